package generator

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// Every test of this package calls t.Parallel: they share nothing but
// read-only fixtures (the sample site, theSample, testdata) and write only
// into their own t.TempDir(). A test that sets an environment variable,
// changes the working folder or a package variable, or asserts something
// of the whole process must not.

// theSample is the repository's sample site built once (as mustBuild
// builds it) for the tests that only read the result: eight builds of it
// were a tenth of this package's test time.
var theSample struct {
	once sync.Once
	res  *Result
	err  error
}

// sampleBuild is the shared build of the sample site. Read it; never
// change it (other tests see the same tree).
func sampleBuild(t testing.TB) *Result {
	t.Helper()
	theSample.once.Do(func() {
		theSample.res, theSample.err = Build(context.Background(), Options{Site: os.DirFS(".."), Today: asOf})
	})
	if theSample.err != nil {
		t.Fatal(theSample.err)
	}
	if theSample.res.Tree == nil {
		t.Fatalf("build failed:\n%s", theSample.res.Diags)
	}
	return theSample.res
}

// TestMain removes the shared fixtures made outside any test's TempDir.
func TestMain(m *testing.M) {
	testmode.BuildHeavy()
	code := testmode.Run(m)
	if theCanary.tmp != "" {
		os.RemoveAll(theCanary.tmp)
	}
	os.Exit(code)
}
