package decide_test

import (
	"fmt"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// traits is what a finder records on a function for the planner, as one
// comparable line.
func traits(c *source.Construct) string {
	return fmt.Sprintf("accessor=%v docstring=%v declared=%v registered=%v spawned=%v unnamed=%v protocol=%v perElement=%q",
		c.Accessor, c.Docstring, c.Declared, c.Registered, c.Spawned, c.Unnamed, c.Protocol != "", c.PerElement)
}

// TestFindersRecordPlannerFacts: the planner and the prompt ask no
// language what a function is; each language's finder says it on the
// construct, and these are the facts they read.
func TestFindersRecordPlannerFacts(t *testing.T) {
	langs := languages(t)
	cases := []struct {
		lang source.Language
		path string
		src  string
		want map[string]string
	}{
		{source.Python, "app/store.py", `import functools

class Store:
    @property
    def size(self):
        """The size."""
        return 1

    def __repr__(self):
        return "Store"

    def load(self):
        # no docstring
        return 2

def factory(app):
    @app.route("/")
    def index():
        return 3

    @functools.wraps(index)
    def wrapper():
        return index()
    return wrapper
`, map[string]string{
			"size":     `accessor=true docstring=true declared=true registered=true spawned=false unnamed=false protocol=false perElement=""`,
			"__repr__": `accessor=false docstring=false declared=true registered=false spawned=false unnamed=false protocol=true perElement=""`,
			"load":     `accessor=false docstring=false declared=true registered=false spawned=false unnamed=false protocol=false perElement=""`,
			"index":    `accessor=false docstring=false declared=true registered=true spawned=false unnamed=false protocol=false perElement=""`,
			"wrapper":  `accessor=false docstring=false declared=true registered=false spawned=false unnamed=false protocol=false perElement=""`,
		}},
		{source.JavaScript, "src/store.js", `class Store {
  get size() {
    return 1
  }
  toString() {
    return 'Store'
  }
  load() {
    return 2
  }
}
module.exports = Store
`, map[string]string{
			"size":     `accessor=true docstring=false declared=false registered=false spawned=false unnamed=false protocol=false perElement=""`,
			"toString": `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=true perElement=""`,
			"load":     `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=false perElement=""`,
		}},
		{source.Go, "store/store.go", `package store

import (
	"io/fs"
	"path/filepath"
	"sort"
)

type Store struct{ xs []string }

func (s Store) String() string {
	return "Store"
}

func (s Store) Load(root string) {
	go func() {
		_ = s
	}()
	defer func() {
		_ = s
	}()
	sort.Slice(s.xs, func(i, j int) bool {
		return s.xs[i] < s.xs[j]
	})
	_ = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		return err
	})
}
`, map[string]string{
			"String":         `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=true perElement=""`,
			"Load":           `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=false perElement=""`,
			"go":             `accessor=false docstring=false declared=false registered=false spawned=true unnamed=true protocol=false perElement=""`,
			"defer":          `accessor=false docstring=false declared=false registered=false spawned=false unnamed=true protocol=false perElement=""`,
			"Slice callback": `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=false perElement="Slice"`,
			"WalkDir .":      `accessor=false docstring=false declared=false registered=false spawned=false unnamed=false protocol=false perElement="WalkDir"`,
		}},
	}
	for _, tc := range cases {
		cs, err := langs[tc.lang].Find(&source.File{Path: tc.path, Lang: tc.lang, Src: []byte(tc.src)})
		if err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		seen := map[string]bool{}
		for i := range cs {
			c := &cs[i]
			want, ok := tc.want[c.Name]
			if c.Kind != source.Function || !ok {
				continue
			}
			seen[c.Name] = true
			if got := traits(c); got != want {
				t.Errorf("%s %s:\n got %s\nwant %s", tc.lang, c.Name, got, want)
			}
		}
		for name := range tc.want {
			if !seen[name] {
				t.Errorf("%s: no function %s found", tc.lang, name)
			}
		}
	}
}
