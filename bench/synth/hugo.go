package synth

// Hugo returns the files that make the site folder a Hugo site too: a
// config and a minimal layout of our own, comparable to what isms renders
// per document: the page body in a simple template with document control
// and a navigation list. Hugo's work is kept to what isms does: no
// taxonomies, feeds or sitemap.
//
// The navigation has the same shape as isms's navigation for large sites:
// every type (Hugo section) with its count, and the current page's
// neighbours in its own type, so that neither generator writes O(N) bytes
// of navigation into each of N pages. With params.navfull = true (gensite
// -hugo-nav full) it lists every page instead, rendered once per site with
// partialCached, as isms renders its full navigation once per site.
//
// Links between documents are written as relative .md paths, as isms
// authors write them; the render-link hook resolves them with GetPage,
// which is Hugo's equivalent of our link stage.
func Hugo() []File {
	return []File{
		{Path: "hugo.toml", Data: []byte(hugoConfig)},
		{Path: "layouts/_default/baseof.html", Data: []byte(hugoBaseof)},
		{Path: "layouts/_default/single.html", Data: []byte(hugoSingle)},
		{Path: "layouts/_default/list.html", Data: []byte(hugoList)},
		{Path: "layouts/partials/nav.html", Data: []byte(hugoNav)},
		{Path: "layouts/partials/navfull.html", Data: []byte(hugoNavFull)},
		{Path: "layouts/_default/_markup/render-link.html", Data: []byte(hugoRenderLink)},
	}
}

// HugoFullNav is hugo.toml with the full navigation on every page.
func HugoFullNav() File {
	return File{Path: "hugo.toml", Data: []byte(hugoConfig + "navfull = true\n")}
}

const hugoConfig = `baseURL = "/"
title = "Synthetic ISMS"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
enableRobotsTXT = false
[markup.goldmark.renderer]
unsafe = false
[markup.highlight]
noClasses = false
[params]
`

const hugoBaseof = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body>
<header><a href="/">{{ site.Title }}</a></header>
<nav class="sidebar" aria-label="Documents">{{ if site.Params.navfull }}{{ partialCached "navfull.html" . }}{{ else }}{{ partial "nav.html" . }}{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
`

const hugoSingle = `{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<table class="doc-control">
<tr><th>ID</th><td>{{ .Params.id }}</td></tr>
<tr><th>Type</th><td>{{ .Params.type }}</td></tr>
<tr><th>Owner</th><td>{{ .Params.owner }}</td></tr>
<tr><th>Version</th><td>{{ .Params.version }}</td></tr>
<tr><th>Reviewed</th><td>{{ .Params.reviewed }}</td></tr>
{{ with .Params.clause }}<tr><th>Clauses</th><td>{{ delimit . ", " }}</td></tr>{{ end }}
{{ with .Params.controls }}<tr><th>Controls</th><td>{{ delimit . ", " }}</td></tr>{{ end }}
</table>
{{ with .TableOfContents }}<aside class="toc">{{ . }}</aside>{{ end }}
<div class="content">{{ .Content }}</div>
</article>
{{ end }}
`

const hugoList = `{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
`

// hugoNav walks at most 25 neighbours each way with PrevInSection and
// NextInSection, so its cost per page does not grow with the site.
const hugoNav = `<ul class="types">{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .RegularPages }}</span></li>{{ end }}</ul>
{{ if .IsPage }}{{ $p := . }}{{ $prev := slice }}{{ range seq 25 }}{{ with $p.PrevInSection }}{{ $p = . }}{{ $prev = $prev | append . }}{{ end }}{{ end }}
{{ $p = . }}{{ $next := slice }}{{ range seq 25 }}{{ with $p.NextInSection }}{{ $p = . }}{{ $next = $next | append . }}{{ end }}{{ end }}
<ul class="group">{{ range sort $prev "Title" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li><a href="{{ .RelPermalink }}" aria-current="page">{{ .Title }}</a></li>{{ range sort $next "Title" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`

const hugoNavFull = `<ul>{{ range site.Sections }}<li><details><summary>{{ .Title }} <span class="count">{{ len .RegularPages }}</span></summary><ul>{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></details></li>{{ end }}</ul>
`

const hugoRenderLink = `{{- $href := .Destination -}}
{{- $u := urls.Parse .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
{{- with .Page.GetPage (path.Join "/" .Page.File.Dir $u.Path) -}}
{{- $href = .RelPermalink -}}{{- with $u.Fragment -}}{{- $href = printf "%s#%s" $href . -}}{{- end -}}
{{- end -}}
{{- end -}}
<a href="{{ $href }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
{{- /* no trailing newline */ -}}
`
