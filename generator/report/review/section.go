package review

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
)

// Letters are the inputs of a management review, ISO/IEC 27001 9.3.2 a–g.
var Letters = []string{"a", "b", "c", "d", "e", "f", "g"}

// Inputs names each 9.3.2 input, by letter.
var Inputs = map[string]string{
	"a": "Status of actions from previous management reviews",
	"b": "Changes in external and internal issues relevant to the ISMS",
	"c": "Changes in needs and expectations of interested parties",
	"d": "Information security performance: nonconformities and corrective actions, monitoring and measurement results, audit results, fulfilment of objectives",
	"e": "Feedback from interested parties",
	"f": "Results of risk assessment and status of the risk treatment plan",
	"g": "Opportunities for continual improvement",
}

// Covers is a minutes document's covers: list, the 9.3.2 inputs the
// review discussed, in a–g order without repeats.
type Covers struct {
	Letters []string
	Pos     diag.Pos
}

// Feedback marks a document as interested-party feedback (9.3.2 e).
type Feedback struct {
	On  bool
	Pos diag.Pos
}

// Sections gives the report covers: (on management-review minutes) and
// feedback: (on any document recording interested-party feedback).
func (*Report) Sections() []model.Section {
	return []model.Section{
		{Key: "covers", Decode: decodeCovers},
		{Key: "feedback", Decode: func(v model.Values, n *yaml.Node) any {
			return Feedback{On: v.Bool(n, "feedback"), Pos: v.Pos(n)}
		}},
	}
}

// decodeCovers reads covers: [a, b, …]: each a letter of 9.3.2, once.
func decodeCovers(v model.Values, n *yaml.Node) any {
	c := Covers{Pos: v.Pos(n)}
	seen := map[string]diag.Pos{}
	for _, x := range v.StrList(n) {
		if strings.TrimSpace(x.Value) == "" {
			v.Errorf(x, "bad-covers", "covers lists the inputs of 9.3.2 by letter, a to g")
			continue
		}
		s := v.Enum(x, "covers", Letters)
		if s == "" {
			continue
		}
		if first, dup := seen[s]; dup {
			v.Errorf(x, "duplicate", "9.3.2 %s is already listed at %s", s, first)
			continue
		}
		seen[s] = v.Pos(x)
		c.Letters = append(c.Letters, s)
	}
	slices.Sort(c.Letters)
	return c
}
