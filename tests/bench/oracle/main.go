// tests/bench/oracle/main.go — the go.starlark.net side of `make bench`.
//
// A tiny driver over Debian's golang-starlark-dev, built offline by
// tests/bench/run-starlark-bench with GO111MODULE=off GOPATH=/usr/share/gocode.
// It does what our side does, so wall time and peak RSS compare like for like:
//
//	starlark-oracle [-o OPTION]... FILE     execute FILE (print goes to stdout)
//	starlark-oracle -units DIR              execute every DIR/*.star with stub
//	                                        unit(**kwargs) and task(**kwargs)
//
// OPTION is one of set, globalreassign, recursion, loadbindsglobally (the
// same names `yoe starlark -o` takes).  Exit status 1 on any Starlark error.
package main

import (
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
)

func setOption(name string) {
	switch name {
	case "set":
		resolve.AllowSet = true
	case "globalreassign":
		resolve.AllowGlobalReassign = true
	case "recursion":
		resolve.AllowRecursion = true
	case "loadbindsglobally":
		resolve.LoadBindsGlobally = true
	default:
		fmt.Fprintf(os.Stderr, "starlark-oracle: unknown option %q\n", name)
		os.Exit(2)
	}
}

func report(err error) {
	if ee, ok := err.(*starlark.EvalError); ok {
		fmt.Fprintln(os.Stderr, ee.Backtrace())
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(1)
}

var units, tasks int

// stub is the bench's unit()/task(): it accepts keywords only and counts them,
// as the C bench driver's stub does.
func stub(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("%s: unexpected positional arguments", b.Name())
	}
	if b.Name() == "unit" {
		units++
	} else {
		tasks++
	}
	return starlark.None, nil
}

func runUnits(dir string) {
	ents, err := ioutil.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".star") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	predeclared := starlark.StringDict{
		"unit": starlark.NewBuiltin("unit", stub),
		"task": starlark.NewBuiltin("task", stub),
	}
	for _, n := range names {
		thread := &starlark.Thread{Name: n}
		if _, err := starlark.ExecFile(thread, filepath.Join(dir, n), nil, predeclared); err != nil {
			report(err)
		}
	}
	fmt.Printf("%d files, %d units, %d tasks\n", len(names), units, tasks)
}

func main() {
	args := os.Args[1:]
	unitsDir := ""
	var file string
	for len(args) > 0 {
		switch {
		case args[0] == "-o" && len(args) > 1:
			setOption(args[1])
			args = args[2:]
		case args[0] == "-units" && len(args) > 1:
			unitsDir = args[1]
			args = args[2:]
		case file == "" && !strings.HasPrefix(args[0], "-"):
			file = args[0]
			args = args[1:]
		default:
			fmt.Fprintln(os.Stderr, "usage: starlark-oracle [-o OPTION]... FILE | -units DIR")
			os.Exit(2)
		}
	}
	if unitsDir != "" {
		runUnits(unitsDir)
		return
	}
	if file == "" {
		fmt.Fprintln(os.Stderr, "usage: starlark-oracle [-o OPTION]... FILE | -units DIR")
		os.Exit(2)
	}
	thread := &starlark.Thread{
		Name:  "main",
		Print: func(_ *starlark.Thread, msg string) { fmt.Println(msg) },
	}
	if _, err := starlark.ExecFile(thread, file, nil, nil); err != nil {
		report(err)
	}
}
