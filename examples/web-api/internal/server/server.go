// Package server holds the HTTP handlers of web-api.
package server

import (
	"encoding/json"
	"net/http"
	"strings"
)

// DefaultName is greeted when the request names nobody.
const DefaultName = "world"

// Greeting is the body of GET /greet.
type Greeting struct {
	Greeting string `json:"greeting"`
}

// Version is the body of GET /version.
type Version struct {
	Version string `json:"version"`
}

// New returns the service's router. version is reported by /version;
// an empty version is reported as "dev".
func New(version string) http.Handler {
	if version == "" {
		version = "dev"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", Healthz)
	mux.HandleFunc("GET /greet", Greet)
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, Version{Version: version})
	})
	return mux
}

// Healthz answers liveness and readiness probes.
func Healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

// Greet answers GET /greet?name=X with {"greeting":"Hello, X"}.
func Greet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, Greeting{Greeting: Message(r.URL.Query().Get("name"))})
}

// Message builds the greeting for name, falling back to DefaultName.
func Message(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = DefaultName
	}
	return "Hello, " + name
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
