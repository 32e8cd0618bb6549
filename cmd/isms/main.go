// Command isms builds an ISO/IEC 27001 ISMS manual from Markdown documents.
// It only turns flags into generator options and results into exit codes:
// 0 success, 1 content errors or a --fail-on threshold reached, 2 wrong usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/load"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/publish"
)

// version is set at link time (-ldflags "-X main.version=…").
var version = "dev"

const usage = `isms builds an ISO/IEC 27001 ISMS manual from Markdown with YAML front-matter.

Usage:
  isms build  [-s SITE] [-d DEST] [--as-of DATE] [--base-url URL] [--snapshot [--sign KEY]] [--force]
  isms serve  [-s SITE] [--bind 127.0.0.1] [--port 1313] [--as-of DATE]
  isms check  [-s SITE] [--as-of DATE] [--format text|json] [--fail-on overdue|due-soon|major|minor]
  isms new    [--sample] DIR
  isms import FORMAT SRC DEST [--map mapping.yaml] [--org NAME]   (FORMAT: comply | jupiterone | frontmatter)
  isms verify DIR [--expect SHA256] [--signer ALLOWED_SIGNERS [--identity NAME]]
  isms version

Run 'isms COMMAND -h' for a command's flags.
`

// errUsage marks a wrong invocation (exit 2); errFailed content errors (exit 1).
var (
	errUsage  = errors.New("usage")
	errFailed = errors.New("failed")
)

func main() {
	stopHeapSampling(os.Getenv("GODEBUG"))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "build":
		err = cmdBuild(args[1:], stdout, stderr)
	case "new":
		err = cmdNew(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "isms", versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		if c, ok := commands[args[0]]; ok {
			err = c(args[1:], stdout, stderr)
			break
		}
		fmt.Fprintf(stderr, "isms: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFailed):
		return 1
	}
	fmt.Fprintln(stderr, "isms:", err)
	return 1
}

// commands holds the commands added by other files (serve, check, verify, import).
var commands = map[string]func(args []string, stdout, stderr io.Writer) error{}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("isms "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if h, ok := commandHelp[name]; ok {
		fs.Usage = func() {
			fmt.Fprint(stderr, h)
			var any bool
			fs.VisitAll(func(*flag.Flag) { any = true })
			if any {
				fmt.Fprintln(stderr, "\nFlags:")
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

// commandHelp is what 'isms COMMAND -h' says before the flags.
var commandHelp = map[string]string{
	"build": `Usage: isms build [-s SITE] [-d DEST] [flags]

Builds the site in SITE (its content/, isms.yaml and themes/) into DEST,
default SITE/public, replacing it atomically. Content errors are printed
as path:line:col and nothing is written (exit 1).
`,
	"serve": `Usage: isms serve [-s SITE] [--bind 127.0.0.1] [--port 1313]

Builds the site into memory, serves it on loopback and rebuilds on every
save; the open page reloads itself. Errors show as an overlay.
`,
	"check": `Usage: isms check [-s SITE] [--format text|json] [--fail-on LEVEL]

Validates the site and reports currency and ISMS-health findings without
writing anything; --fail-on gates CI (exit 1).
`,
	"new": `Usage: isms new [--sample] DIR

Writes a new ISMS into DIR, which must be new or empty:

  isms.yaml    settings: set your organisation's name and the risk method
  README.md    what to edit first
  .gitignore   keeps the build output (public/) out of git
  content/     the ISMS manual, the information security policy, one process
               per clause 4-10 already wired to each other (inputs/outputs),
               a risk register, a Statement of Applicability with all 93
               Annex A controls awaiting a decision, an objectives plan, an
               internal audit programme and a management-review minutes
               template listing the inputs of 9.3.2 a-g

What is still to be written is marked TBD: 'isms check' lists it. With
--sample, writes instead the complete sample ISMS of a fictional company,
Harbourline Logistics, to explore what a finished ISMS looks like (do not
publish it as yours). Then: cd DIR && isms serve.
`,
	"verify": `Usage: isms verify DIR [--expect SHA256] [--signer FILE]

Checks a snapshot built with 'isms build --snapshot' against its manifest
(and its zip, root hash and signature when asked).
`,
}

// versionString is the version set at link time, else the module's
// version and the commit it was built from (go build records it).
func versionString() string {
	if version != "dev" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return versionFrom(bi)
}

func versionFrom(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v += " (commit " + rev
	if len(at) >= 10 {
		v += ", " + at[:10]
	}
	if modified {
		v += ", with uncommitted changes"
	}
	return v + ")"
}

// parse parses flags; it accepts flags after positional arguments too.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errUsage
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parseDate(s string) (model.Date, error) {
	if s == "" {
		return model.Date{}, nil
	}
	d, err := model.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("--as-of: %v", err)
	}
	return d, nil
}

// siteFlags are the flags shared by build, serve and check.
type siteFlags struct {
	site, asOf, baseURL, edition string
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.site, "s", ".", "site folder (holds content/, isms.yaml, themes/)")
	fs.StringVar(&f.site, "site", ".", "site folder (same as -s)")
	fs.StringVar(&f.asOf, "as-of", "", "compute currency as of this date (YYYY-MM-DD; default isms.yaml's as_of, else today)")
	fs.StringVar(&f.edition, "edition", "", "only what this edition of isms.yaml's editions may publish (default: the whole site)")
}

func (f *siteFlags) options(stderr io.Writer) (generator.Options, error) {
	asOf, err := parseDate(f.asOf)
	if err != nil {
		fmt.Fprintln(stderr, "isms:", err)
		return generator.Options{}, errUsage
	}
	if st, err := os.Stat(f.site); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "isms: site folder %q does not exist\n", f.site)
		return generator.Options{}, errUsage
	}
	if f.baseURL != "" {
		if err := model.CheckBaseURL(f.baseURL); err != nil {
			fmt.Fprintf(stderr, "isms: --base-url %q %v\n", diag.Escape(f.baseURL), err)
			return generator.Options{}, errUsage
		}
	}
	if f.edition != "" {
		if err := generator.CheckEdition(os.DirFS(f.site), f.edition); err != nil {
			fmt.Fprintln(stderr, "isms:", err)
			return generator.Options{}, errUsage
		}
	}
	return generator.Options{
		Edition:  f.edition,
		Site:     load.DirFS(f.site),
		SiteDir:  f.site,
		Today:    model.Today(time.Now()),
		AsOf:     asOf,
		BaseURL:  f.baseURL,
		Diagrams: diagrams.NewRenderer(generator.DiagramCacheDir()), // drawings kept between runs, outside the site
		// git's log and old versions' diffs kept between runs, outside the site
		HistoryCache: generator.HistoryCacheDir(),
	}, nil
}

func cmdBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build", stderr)
	var sf siteFlags
	sf.register(fs)
	dest := fs.String("d", "", "destination folder (default SITE/public)")
	fs.StringVar(dest, "dest", "", "destination folder (same as -d)")
	fs.StringVar(&sf.baseURL, "base-url", "", "URL the site is published under (overrides isms.yaml)")
	snapshot := fs.Bool("snapshot", false, "publish a frozen, verifiable snapshot for auditors")
	allEditions := fs.Bool("all-editions", false, "build every edition isms.yaml declares, from one parse, each into DEST/<name>/")
	sign := fs.String("sign", "", "with --snapshot: sign manifest.json with this SSH private key (ssh-keygen -Y sign), writing manifest.json.sig")
	force := fs.Bool("force", false, "publish into a non-empty folder that is not an earlier isms build (its files are kept beside it as .DEST.spare)")
	quiet := fs.Bool("q", false, "print errors and warnings only")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to this file (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write a heap profile, taken when the output is complete, to this file")
	traceOut := fs.String("trace", "", "write an execution trace of the build to this file (for go tool trace)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		fmt.Fprintf(stderr, "isms build: unexpected argument %q\n", pos[0])
		return errUsage
	}
	opts, err := sf.options(stderr)
	if err != nil {
		return err
	}
	opts.Snapshot = *snapshot
	if *allEditions {
		if sf.edition != "" {
			fmt.Fprintln(stderr, "isms build: --all-editions and --edition exclude each other")
			return errUsage
		}
		if err := generator.CheckEdition(opts.Site, ""); err != nil {
			fmt.Fprintln(stderr, "isms:", err)
			return errUsage
		}
		opts.AllEditions = true
	}
	if *sign != "" && !*snapshot {
		fmt.Fprintln(stderr, "isms build: --sign needs --snapshot")
		return errUsage
	}
	if *sign != "" {
		if _, err := os.Stat(*sign); err != nil {
			fmt.Fprintln(stderr, "isms build: --sign:", err)
			return errUsage
		}
	}
	if *dest == "" {
		*dest = filepath.Join(sf.site, "public")
	}
	pub := publish.Options{Site: sf.site, Force: *force, Notify: func(msg string) { fmt.Fprintln(stderr, "isms:", msg) }}
	// Refuse a destination before spending the build on it.
	dests := []string{*dest}
	if *allEditions {
		dests = nil
		for _, name := range generator.EditionNames(opts.Site) {
			dests = append(dests, filepath.Join(*dest, name))
		}
	}
	for _, d := range dests {
		if err := pub.CheckDest(d); err != nil {
			return refused(err, stderr)
		}
	}
	if *memProfile != "" && runtime.MemProfileRate == 0 {
		runtime.MemProfileRate = memProfileRate
	}
	start := time.Now()
	if p, ok := buildGCPolicy(os.Getenv("GOGC")); ok {
		defer p.install()()
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	stopTrace, err := startTrace(*traceOut)
	if err != nil {
		return err
	}
	defer stopTrace()
	// The whole site is written as it is rendered (publish.Stream), not
	// held in memory; a snapshot (manifest and zip of every file) and
	// editions (redacted and checked whole) are published once complete.
	// The stream begins before the build, so a destination is refused
	// (its lock taken, every file in it checked) before the build is
	// spent on it; a build that fails leaves it as it was.
	var res *generator.Result
	streamed := !*snapshot && !*allEditions && opts.Edition == ""
	if streamed {
		err = pub.Stream(*dest, func(s *publish.Stream) (bool, error) {
			opts.Sink = s
			var berr error
			res, berr = generator.Build(context.Background(), opts)
			return berr == nil && res.Written > 0 && !res.Diags.HasErrors(), berr
		})
		if err != nil {
			return refused(err, stderr) // refused before the build, or not published
		}
	} else if res, err = generator.Build(context.Background(), opts); err != nil {
		return err
	}
	if err := writeHeapProfile(*memProfile); err != nil {
		return err
	}
	fmt.Fprint(stderr, res.Diags.String())
	nerr, nwarn := res.Diags.Count()
	if res.Tree == nil && res.Written == 0 && len(res.Editions) == 0 {
		fmt.Fprintf(stderr, "isms: build failed: %s, %s; nothing was written\n", plural(nerr, "error"), plural(nwarn, "warning"))
		return errFailed
	}
	if streamed {
		if !*quiet {
			fmt.Fprintf(stdout, "Built the whole site: %d files into %s in %s (as of %s; %s)\n",
				res.Written, *dest, time.Since(start).Round(time.Millisecond), res.AsOf, plural(nwarn, "warning"))
		}
		return nil
	}
	if !*allEditions {
		return publishOne(res, *dest, pub, *snapshot, *sign, *quiet, start, nwarn, stdout, stderr)
	}
	for i, e := range res.Editions {
		one := *res
		one.Tree, one.Edition, one.Editions = e.Tree, e.Edition, nil
		if err := publishOne(&one, dests[i], pub, *snapshot, *sign, *quiet, start, nwarn, stdout, stderr); err != nil {
			return err
		}
	}
	return nil
}

// publishOne publishes one tree (the site, or one edition) into dest.
func publishOne(res *generator.Result, dest string, pub publish.Options, snapshot bool, sign string, quiet bool, start time.Time, nwarn int, stdout, stderr io.Writer) error {
	out := res.Tree.FS()
	root := ""
	var err error
	if snapshot {
		out, err = generator.Snapshot(res)
		if err != nil {
			return err
		}
		if sign != "" {
			if out, err = publish.Sign(out, sign); err != nil {
				return err
			}
		}
		if root, err = publish.RootHash(out); err != nil {
			return err
		}
	}
	if err := pub.Folder(dest, out); err != nil {
		return refused(err, stderr)
	}
	if !quiet {
		what := "the whole site"
		if e := res.Edition; e != nil {
			what = fmt.Sprintf("edition %s (up to %s)", e.Name, e.Max)
		}
		fmt.Fprintf(stdout, "Built %s: %d files into %s in %s (as of %s; %s)\n",
			what, len(res.Tree), dest, time.Since(start).Round(time.Millisecond), res.AsOf, plural(nwarn, "warning"))
	}
	if root != "" {
		// Printed even with -q: it is what an auditor records.
		fmt.Fprintf(stdout, "Snapshot: %s (unzip it and open index.html; its README.txt says how to verify it), manifest %s\n",
			filepath.Join(dest, "snapshot-"+res.AsOf.String()+".zip"), filepath.Join(dest, publish.ManifestName))
		fmt.Fprintf(stdout, "Snapshot root hash (SHA-256 of manifest.json): %s\nCheck it later with: isms verify %s --expect %s\n", root, dest, root)
	}
	return nil
}

// refused turns a refused destination into a usage error (exit 2).
func refused(err error, stderr io.Writer) error {
	if errors.Is(err, publish.ErrRefused) {
		fmt.Fprintln(stderr, "isms:", err)
		return errUsage
	}
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
