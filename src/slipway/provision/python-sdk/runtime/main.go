// slipway's runtime for Dagger modules written in Python, for an engine without internet
// access. The engine loads it (as a Go module) from its built-in Python SDK content and
// calls ModuleRuntime to get the container that serves a Python module's functions.
//
// The built-in content (sdkSourceDir) holds, next to this module in runtime/:
//
//	sdk/        the dagger-io sources of the engine's version (the PyPI sdist)
//	dist/uv     uv, from the PyPI wheel
//	base-image  the Python base image reference, one line
package main

import (
	"context"
	"fmt"
	"path"
	"strings"
	"unicode"

	"dagger/python-sdk/internal/dagger"
)

const (
	venv         = "/opt/venv"
	srcRoot      = "/src"
	entrypoint   = "/usr/local/bin/dagger-python-module"
	uvCacheDir   = "/root/.cache/uv"
	uvCacheName  = "slipway-python-sdk-uv"
	entrypointPy = `#!` + venv + `/bin/python
import sys

from dagger.mod.cli import app

sys.exit(app())
`
)

type PythonSdk struct {
	// The built-in SDK content: this module, the Python SDK sources, uv.
	// +private
	SDKSourceDir *dagger.Directory
}

func New(
	// The built-in SDK content the engine passes in.
	// +optional
	sdkSourceDir *dagger.Directory,
) *PythonSdk {
	return &PythonSdk{SDKSourceDir: sdkSourceDir}
}

// ModuleRuntime returns a container whose entrypoint serves the Python module in modSource:
// the module and the SDK installed with uv into a virtual environment.
func (m *PythonSdk) ModuleRuntime(
	ctx context.Context,
	modSource *dagger.ModuleSource,
	introspectionJson *dagger.File,
) (*dagger.Container, error) {
	if m.SDKSourceDir == nil {
		return nil, fmt.Errorf("python-sdk: no SDK content (this runtime only works as the engine's built-in Python SDK)")
	}
	name, err := modSource.ModuleOriginalName(ctx)
	if err != nil {
		return nil, fmt.Errorf("module name: %w", err)
	}
	subpath, err := modSource.SourceSubpath(ctx)
	if err != nil {
		return nil, fmt.Errorf("module source subpath: %w", err)
	}
	baseImage, err := m.SDKSourceDir.File("base-image").Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("base image reference: %w", err)
	}
	modDir := path.Join(srcRoot, subpath)
	base := dag.Container().From(strings.TrimSpace(baseImage))
	basePath, err := base.EnvVariable(ctx, "PATH")
	if err != nil {
		return nil, fmt.Errorf("base image PATH: %w", err)
	}

	return base.
		WithFile("/usr/local/bin/uv", m.SDKSourceDir.File("dist/uv")).
		WithMountedCache(uvCacheDir, dag.CacheVolume(uvCacheName)).
		// uv's own CA roots do not know a TLS-intercepting proxy's; the system bundle, into
		// which Dagger installs the engine's CA certificates, does.
		WithEnvVariable("UV_NATIVE_TLS", "true").
		WithEnvVariable("UV_LINK_MODE", "copy").
		WithEnvVariable("UV_PYTHON_DOWNLOADS", "never").
		WithEnvVariable("VIRTUAL_ENV", venv).
		// No sbin on PATH: an engine with custom CAs then appends them to the CA bundle for each
		// exec (every function call is one) instead of running update-ca-certificates around it.
		WithEnvVariable("PATH", venv+"/bin:"+withoutSbin(basePath)).
		WithExec([]string{"uv", "venv", "--python", "python3", venv}).
		WithMountedFile("/schema.json", introspectionJson).
		WithDirectory(srcRoot, modSource.ContextDirectory()).
		// The module's pyproject may take dagger-io from ./sdk (as `dagger init` writes it).
		WithDirectory(path.Join(modDir, "sdk"), m.SDKSourceDir.Directory("sdk")).
		WithWorkdir(modDir).
		WithExec([]string{"uv", "pip", "install", "--compile-bytecode", "-e", "./sdk", "-e", "."}).
		// Editable sources are outside site-packages, so uv leaves them uncompiled; every call
		// runs in a fresh copy of this layer and would compile them again (the SDK's generated
		// client alone is over a megabyte). Unparsable files are the module's business.
		WithExec([]string{"sh", "-c", `python -m compileall -q -j 0 -x '/(\.git|node_modules|\.venv)/' "$0" >/dev/null || true`, srcRoot}).
		WithoutMount(uvCacheDir).
		WithNewFile(entrypoint, entrypointPy, dagger.ContainerWithNewFileOpts{Permissions: 0o755}).
		WithEnvVariable("DAGGER_MODULE", name).
		WithEnvVariable("DAGGER_MAIN_OBJECT", pascalCase(name)).
		WithEnvVariable("DAGGER_DEFAULT_PYTHON_PACKAGE", snakeCase(name)).
		WithEntrypoint([]string{entrypoint}), nil
}

// withoutSbin is the PATH list p without its sbin directories (a default one for an empty p).
func withoutSbin(p string) string {
	if p == "" {
		p = "/usr/local/bin:/usr/bin:/bin"
	}
	var kept []string
	for _, dir := range strings.Split(p, ":") {
		if dir != "" && path.Base(dir) != "sbin" {
			kept = append(kept, dir)
		}
	}
	return strings.Join(kept, ":")
}

// words splits a module name like "my-module", "my_module" or "MyModule" into its words.
func words(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = nil
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case r == '-' || r == '_' || r == ' ' || r == '.':
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1])):
			flush()
			cur = append(cur, unicode.ToLower(r))
		default:
			cur = append(cur, unicode.ToLower(r))
		}
	}
	flush()
	return out
}

func pascalCase(name string) string {
	var b strings.Builder
	for _, w := range words(name) {
		r := []rune(w)
		b.WriteString(string(unicode.ToUpper(r[0])) + string(r[1:]))
	}
	return b.String()
}

func snakeCase(name string) string { return strings.Join(words(name), "_") }
