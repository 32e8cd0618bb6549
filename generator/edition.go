package generator

import (
	"io/fs"

	"github.com/isms-project/isms/generator/model"
)

// CheckEdition reports whether isms.yaml in site declares the edition
// name (or, for "", any edition), as an *UnknownEditionError: the CLI
// refuses an unknown --edition before building.
func CheckEdition(site fs.FS, name string) error {
	cfg := siteConfig(site)
	if name == "" {
		if len(cfg.Editions) == 0 {
			return &UnknownEditionError{Name: "--all-editions"}
		}
		return nil
	}
	if _, ok := cfg.Edition(name); !ok {
		return &UnknownEditionError{Name: name, Declared: cfg.EditionNames()}
	}
	return nil
}

// EditionNames are the editions isms.yaml in site declares, in its order.
func EditionNames(site fs.FS) []string { return siteConfig(site).EditionNames() }

// siteConfig is isms.yaml as far as it can be read; the build reports
// what is wrong with it.
func siteConfig(site fs.FS) model.Config {
	b, err := fs.ReadFile(site, "isms.yaml")
	if err != nil {
		return model.DefaultConfig()
	}
	cfg, _ := model.DecodeConfig("isms.yaml", b)
	return cfg
}
