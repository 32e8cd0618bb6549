package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/serve"
)

func init() { commands["serve"] = cmdServe }

// serveReady, when set (by tests), receives the URL once the server listens.
var serveReady func(url string)

// serveContext is where serve waits for Ctrl-C; tests replace it.
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func cmdServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var sf siteFlags
	sf.register(fs)
	bind := fs.String("bind", "127.0.0.1", "address to listen on; anything but loopback exposes drafts to the network")
	port := fs.Int("port", 1313, "port to listen on (0 picks a free one)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		fmt.Fprintf(stderr, "isms serve: unexpected argument %q\n", pos[0])
		return errUsage
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "isms serve: --port %d is not a port\n", *port)
		return errUsage
	}
	opts, err := sf.options(stderr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(*bind); ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(stderr, "isms serve: warning: listening on %s, not loopback: anyone who can reach this machine can read the draft manual\n", *bind)
	}

	ctx, stop := serveContext()
	defer stop()
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	// The heap under 896 MiB while the site fits (a 10,000-document site
	// holds about 620 MB live): the collector's default would let it
	// grow to twice that. GOMEMLIMIT in the environment decides instead.
	var limit int64
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = 896 << 20
	}
	srv, err := serve.New(serve.Config{
		Dir:         sf.site,
		Build:       opts,
		Today:       func() model.Date { return model.Today(time.Now()) },
		Log:         stderr,
		MemoryLimit: limit,
	})
	if err != nil {
		ln.Close()
		return err
	}
	// Only requests that name this server in Host are answered: a web page
	// cannot reach the drafts through DNS rebinding.
	guarded := serve.HostGuard(srv, *bind, ln.Addr().(*net.TCPAddr).Port)
	hs := &http.Server{Handler: guarded, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.Close)

	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "Serving %s at %s (Ctrl-C to stop)\n", sf.site, url)
	if serveReady != nil {
		serveReady(url)
	}

	served, watched := make(chan error, 1), make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	go func() { watched <- srv.Watch(ctx) }()
	watching := true
	select {
	case <-ctx.Done():
	case err = <-served:
	case err = <-watched:
		watching = false
	}
	stop()
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := hs.Shutdown(shutCtx); serr != nil && err == nil {
		err = serr
	}
	if watching {
		// The watcher ends with ctx, stopping the build it runs: serve
		// returns only then, so nothing is logged after it.
		<-watched
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "Stopped.")
	return nil
}
