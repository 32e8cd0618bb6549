package view

import (
	"testing"
	"testing/fstest"
)

func TestTreeFS(t *testing.T) {
	tree := Tree{
		"index.html":                    []byte("home"),
		"404.html":                      []byte("nf"),
		"policies/a/index.html":         []byte("a"),
		"policies/a/history/index.html": []byte("ha"),
		"assets/style.css":              []byte("css"),
	}
	if err := fstest.TestFS(tree.FS(), "index.html", "404.html", "policies/a/index.html", "policies/a/history/index.html", "assets/style.css"); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(Tree{}.FS()); err != nil {
		t.Fatal(err)
	}
}
