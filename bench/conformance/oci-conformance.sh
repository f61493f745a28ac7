#!/usr/bin/env bash
# Runs the OCI distribution-spec conformance suite (opencontainers/distribution-spec, conformance/
# on its main branch) against a fresh `ims serve`, once per OCI_VERSION.
#
#   bench/conformance/oci-conformance.sh /path/to/distribution-spec [VERSION...]   (default: 1.1 1.0)
#
# The suite is never vendored here: give a checkout of it. It wants Go 1.24; with an older Go (the
# apt golang-go is 1.19) the script builds a copy in a temp GOPATH with the few newer standard
# library calls it uses replaced by local equivalents (backport_for_old_go below). Its libraries
# (go-digest, image-spec 1.1.x, goccy/go-yaml) come from GOPATH: Debian's golang-*-dev packages put
# them in /usr/share/gocode; image-spec must be 1.1.0 or newer (set IMAGE_SPEC_DIR to a checkout).
# Set OCI_* variables (see the suite's README) to change what it tests, e.g. OCI_DATA_SPARSE=true.
set -euo pipefail

spec_dir=${1:?usage: $0 DISTRIBUTION_SPEC_CHECKOUT [VERSION...]}
shift
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(1.1 1.0)
repo_root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/ims-oci-conformance.XXXXXX)
echo "work dir: $work"

gopath=$work/gopath
suite=$gopath/src/github.com/opencontainers/distribution-spec
mkdir -p "$suite"
cp -a "$spec_dir/conformance" "$spec_dir/specs-go" "$suite/"
if [ -n "${IMAGE_SPEC_DIR:-}" ]; then
  mkdir -p "$gopath/src/github.com/opencontainers"
  cp -a "$IMAGE_SPEC_DIR" "$gopath/src/github.com/opencontainers/image-spec"
fi

backport_for_old_go() {
  local dir=$1 compat=github.com/opencontainers/distribution-spec/conformance/compat
  mkdir -p "$dir/compat/slices" "$dir/compat/maps" "$dir/compat/slog"
  cat >"$dir/compat/slices/slices.go" <<'EOF'
package slices

import "sort"

func Contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func ContainsFunc[T any](s []T, f func(T) bool) bool {
	for _, x := range s {
		if f(x) {
			return true
		}
	}
	return false
}

func Clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T{}, s...)
}

func Reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func Sort(s []string) { sort.Strings(s) }
EOF
  cat >"$dir/compat/maps/maps.go" <<'EOF'
package maps

import "sort"

func Copy[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

func Clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	r := make(map[K]V, len(m))
	for k, v := range m {
		r[k] = v
	}
	return r
}

func SortedKeys[V any](m map[string]V) []string {
	r := make([]string, 0, len(m))
	for k := range m {
		r = append(r, k)
	}
	sort.Strings(r)
	return r
}
EOF
  cat >"$dir/compat/slog/slog.go" <<'EOF'
package slog

import (
	"fmt"
	"io"
	"strings"
)

type Level int

const (
	LevelDebug Level = -4
	LevelInfo  Level = 0
	LevelWarn  Level = 4
	LevelError Level = 8
)

func (l *Level) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "debug":
		*l = LevelDebug
	case "info":
		*l = LevelInfo
	case "warn":
		*l = LevelWarn
	case "error":
		*l = LevelError
	default:
		return fmt.Errorf("unknown level %s", b)
	}
	return nil
}

type HandlerOptions struct{ Level Level }

type Handler struct {
	w   io.Writer
	lvl Level
}

func NewTextHandler(w io.Writer, o *HandlerOptions) *Handler { return &Handler{w: w, lvl: o.Level} }

type Logger struct{ h *Handler }

func New(h *Handler) *Logger { return &Logger{h: h} }

func (l *Logger) log(lvl Level, name, msg string, args ...any) {
	if lvl < l.h.lvl {
		return
	}
	fmt.Fprintf(l.h.w, "level=%s msg=%q", name, msg)
	for i := 0; i+1 < len(args); i += 2 {
		fmt.Fprintf(l.h.w, " %v=%v", args[i], args[i+1])
	}
	fmt.Fprintln(l.h.w)
}

func (l *Logger) Debug(msg string, args ...any) { l.log(LevelDebug, "DEBUG", msg, args...) }
func (l *Logger) Info(msg string, args ...any)  { l.log(LevelInfo, "INFO", msg, args...) }
func (l *Logger) Warn(msg string, args ...any)  { l.log(LevelWarn, "WARN", msg, args...) }
func (l *Logger) Error(msg string, args ...any) { l.log(LevelError, "ERROR", msg, args...) }
EOF
  cat >"$dir/compat_go119.go" <<'EOF'
package main

import (
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"strings"
)

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func stringsCutPrefix(s, prefix string) (string, bool) {
	if strings.HasPrefix(s, prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func randText() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 26)
	if _, err := cryptorand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

// multiError keeps Go 1.20's errors.Join and multi-%w semantics for errors.Is.
type multiError struct {
	msg  string
	errs []error
}

func (m *multiError) Error() string { return m.msg }

func (m *multiError) Is(target error) bool {
	for _, e := range m.errs {
		if errors.Is(e, target) {
			return true
		}
	}
	return false
}

func errorsJoin(errs ...error) error {
	var kept []error
	var msgs []string
	for _, e := range errs {
		if e != nil {
			kept = append(kept, e)
			msgs = append(msgs, e.Error())
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return &multiError{msg: strings.Join(msgs, "\n"), errs: kept}
}

func errorfMulti(format string, args ...any) error {
	var wrapped []error
	out := []byte(format)
	argi := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.*", format[i]) >= 0 {
			i++
		}
		if i >= len(format) || format[i] == '%' {
			continue
		}
		if format[i] == 'w' {
			out[i] = 'v'
			if argi < len(args) {
				if e, ok := args[argi].(error); ok {
					wrapped = append(wrapped, e)
				}
			}
		}
		argi++
	}
	return &multiError{msg: fmt.Sprintf(string(out), args...), errs: wrapped}
}
EOF
  (
    cd "$dir"
    sed -i "s#^\t\"maps\"#\t\"$compat/maps\"#; s#^\t\"slices\"#\t\"$compat/slices\"#; s#^\t\"log/slog\"#\t\"$compat/slog\"#" ./*.go
    sed -i 's#slices.Sorted(maps.Keys(\([a-zA-Z]*\)))#maps.SortedKeys(\1)#; s/strings\.CutPrefix(/stringsCutPrefix(/; s/rand\.Text()/randText()/g' ./*.go
    sed -i 's/errors\.Join(/errorsJoin(/g; s/fmt\.Errorf(/errorfMulti(/g; s/strings\.SplitSeq(/strings.Split(/; s/reflect\.TypeFor\[string\]()/reflect.TypeOf("")/' ./*.go
    # range over an integer (Go 1.22) and over strings.SplitSeq (Go 1.24)
    sed -i -E 's/for ([a-z]+) := range (stateAPIMax|statusMax) \{/for \1 := 0; \1 < int(\2); \1++ {/; s/for ([a-z]+) := range ([0-9]+|gOpt\.layerCount) \{/for \1 := 0; \1 < \2; \1++ {/; s/for filter := range strings\.Split\(/for _, filter := range strings.Split(/' ./*.go
  )
  # with the loops above the loop variables became ints: give them their types back where used as such
  sed -i -E 's/for api := 0; api < int\(stateAPIMax\); api\+\+ \{/for api := stateAPIType(0); api < stateAPIMax; api++ {/; s/for i := 0; i < int\(stateAPIMax\); i\+\+ \{/for i := stateAPIType(0); i < stateAPIMax; i++ {/; s/for i := 0; i < int\(statusMax\); i\+\+ \{/for i := status(0); i < statusMax; i++ {/' "$dir"/*.go
  # imports left unused once errors.Join and fmt.Errorf are gone
  (cd "$dir" && GOPATH=$gopath:/usr/share/gocode GO111MODULE=off go build -o /dev/null . 2>&1 || true) | sed -nE 's/^\.\/([a-z_]+\.go):([0-9]+):[0-9]+: .*imported (and|but) not used.*/\1 \2/p' | sort -k1,1 -k2,2nr | while read -r f line; do
    sed -i "${line}d" "$dir/$f"
  done
}

cd "$suite/conformance"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "$go_minor" -lt 24 ]; then
  backport_for_old_go "$suite/conformance"
  GOPATH=$gopath:/usr/share/gocode GO111MODULE=off go build -o "$work/conformance" .
else
  go build -o "$work/conformance" .
fi

port=${IMS_PORT:-18600}
"$repo_root/bin/ims" serve --data-dir "$work/data" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done
export HOME=$work/home
mkdir -p "$HOME"
"$repo_root/bin/ims" login "http://127.0.0.1:$port" --token "$(cat "$work/data/admin.token")" >/dev/null
"$repo_root/bin/ims" new-project conformance >/dev/null

export OCI_REGISTRY=127.0.0.1:$port OCI_TLS=disabled OCI_REPO1=conformance/repo1 OCI_REPO2=conformance/repo2
export OCI_USERNAME=admin OCI_PASSWORD
OCI_PASSWORD=$(cat "$work/data/admin.token")
status=0
for version in "${versions[@]}"; do
  out=$work/results-$version
  mkdir -p "$out"
  echo "== OCI_VERSION=$version (results in $out)"
  (cd "$out" && OCI_VERSION=$version OCI_RESULTS_DIR=$out "$work/conformance" >"$out/output.txt" 2>&1) || status=1
  sed -n '/^OCI Conformance Result/,/^  Total/p' "$out/output.txt"
  grep -E ': (FAIL|Error|Skip)$' "$out/output.txt" || true
done
exit $status
