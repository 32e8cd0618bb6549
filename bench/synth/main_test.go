package synth_test

import (
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// TestMain spreads the tests' temporary folders over the disk: see
// testmode.Run.
func TestMain(m *testing.M) { testmode.Main(m) }
