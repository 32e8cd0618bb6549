package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
)

// startCPUProfile profiles the process into path until stop is called;
// with path "" it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// memProfileRate is Go's own sampling rate for heap profiles, put back
// for a build asked for one (main turns sampling off).
const memProfileRate = 512 << 10

// stopHeapSampling turns off Go's sampling of allocations for heap
// profiles, one in every 512 KiB by default: 2 % of a build's CPU (1,000
// documents with history, 0.866 -> 0.849 s), for profiles only
// --memprofile writes, and it turns sampling back on. A rate GODEBUG
// sets (memprofilerate=N) is left as it is.
func stopHeapSampling(godebug string) {
	if !strings.Contains(godebug, "memprofilerate=") {
		runtime.MemProfileRate = 0
	}
}

// writeHeapProfile writes the live heap to path (after a collection, so
// it shows what is still reachable); with path "" it does nothing.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startTrace records an execution trace (goroutines, the scheduler on
// each core, the collector) into path until stop is called; with path ""
// it does nothing.
func startTrace(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { trace.Stop(); f.Close() }, nil
}
