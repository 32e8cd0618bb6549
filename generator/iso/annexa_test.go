package iso

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestCatalogueShape(t *testing.T) {
	all := All()
	if len(all) != 93 {
		t.Fatalf("catalogue has %d controls, want 93", len(all))
	}
	seen := map[string]bool{}
	perTheme := map[string]int{}
	for i, c := range all {
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		perTheme[c.Theme]++
		if strings.TrimSpace(c.Title) == "" || c.Title != strings.TrimSpace(c.Title) {
			t.Errorf("%s: bad title %q", c.ID, c.Title)
		}
		if i > 0 && Compare(all[i-1].ID, c.ID) >= 0 {
			t.Errorf("catalogue out of order at %s after %s", c.ID, all[i-1].ID)
		}
	}
	want := map[string]int{Organizational: 37, People: 8, Physical: 14, Technological: 34}
	for theme, n := range want {
		if perTheme[theme] != n {
			t.Errorf("theme %s has %d controls, want %d", theme, perTheme[theme], n)
		}
	}
	if len(perTheme) != 4 {
		t.Errorf("themes in catalogue: %v", perTheme)
	}
	// Every id from 5.1 to 8.34 exists, and its first number names its theme.
	for i, theme := range Themes() {
		for n := 1; n <= want[theme]; n++ {
			id := strconv.Itoa(i+5) + "." + strconv.Itoa(n)
			c, ok := Lookup(id)
			if !ok || c.Theme != theme || c.ID != id {
				t.Errorf("Lookup(%s) = %+v, %v; want theme %s", id, c, ok, theme)
			}
		}
	}
}

func TestWellKnownTitles(t *testing.T) {
	for id, title := range map[string]string{
		"5.1":  "Policies for information security",
		"5.15": "Access control",
		"6.3":  "Information security awareness, education and training",
		"7.7":  "Clear desk and clear screen",
		"8.8":  "Management of technical vulnerabilities",
		"8.34": "Protection of information systems during audit testing",
	} {
		c, ok := Lookup(id)
		if !ok || c.Title != title {
			t.Errorf("Lookup(%s) = %q, %v; want %q", id, c.Title, ok, title)
		}
	}
}

func TestThemes(t *testing.T) {
	want := []string{"Organizational", "People", "Physical", "Technological"}
	if got := Themes(); !slices.Equal(got, want) {
		t.Errorf("Themes() = %v, want %v", got, want)
	}
}

func TestAllIsACopy(t *testing.T) {
	All()[0].Title = "changed"
	if c, _ := Lookup("5.1"); c.Title == "changed" {
		t.Error("modifying All() changed the catalogue")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"5.1", "5.1", true},
		{"A.5.1", "5.1", true},
		{"a.5.1", "5.1", true},
		{" 5.1 ", "5.1", true},
		{"\tA.8.34\n", "8.34", true},
		{"A.05.01", "5.1", true},
		{"5.10", "5.10", true},
		{"6.8", "6.8", true},
		{"7.14", "7.14", true},
		{"5.38", "5.38", false},
		{"A.8.35", "8.35", false},
		{"6.0", "6.0", false},
		{"4.1", "4.1", false},
		{"9.2", "9.2", false},
		{"A.12.6.1", "A.12.6.1", false},
		{"5", "5", false},
		{"", "", false},
		{"A.", "A.", false},
		{"5.", "5.", false},
		{".1", ".1", false},
		{"+5.1", "+5.1", false},
		{"5.-1", "5.-1", false},
		{"5,1", "5,1", false},
		{"B.5.1", "B.5.1", false},
		{"A5.1", "A5.1", false},
		{"5.1.1", "5.1.1", false},
		{"5.0001", "5.0001", false},
		{"٥.١", "٥.١", false},
	}
	for _, tt := range tests {
		got, ok := Normalize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if _, found := Lookup(tt.in); found != tt.ok {
			t.Errorf("Lookup(%q) found = %v, want %v", tt.in, found, tt.ok)
		}
	}
}

func TestClosest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"5.1", "5.1"},
		{"A.8.8", "8.8"},
		{"5.38", "5.37"},
		{"5.99", "5.37"},
		{"A.6.9", "6.8"},
		{"7.15", "7.14"},
		{"8.35", "8.34"},
		{"6.0", "6.1"},
		{"5,15", "5.15"},
		{"8.8.", "8.8"},
		{"A:8.8", "8.8"},
		{"4.1", ""},  // a clause, not a control
		{"9.2", ""},  // a clause, not a control
		{"10.1", ""}, // a clause, not a control
		{"firewall", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.in); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	ids := []string{"8.1", "5.10", "typo", "A.5.2", "6.1", "5.1", "5.37", "7.10", "7.9"}
	slices.SortFunc(ids, Compare)
	want := []string{"5.1", "A.5.2", "5.10", "5.37", "6.1", "7.9", "7.10", "8.1", "typo"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"5.1", "A.5.1", " a.8.34 ", "5.38", "A.12.6.1", "5,1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := Normalize(s)
		if ok {
			if c, found := Lookup(n); !found || c.ID != n {
				t.Fatalf("Normalize(%q) = %q but Lookup disagrees", s, n)
			}
		}
		c := Closest(s)
		if c != "" {
			if _, found := Lookup(c); !found {
				t.Fatalf("Closest(%q) = %q, not a control", s, c)
			}
		}
		_ = Compare(s, n)
	})
}
