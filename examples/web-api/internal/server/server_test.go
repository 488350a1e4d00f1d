package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func do(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestMessage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty falls back to world", "", "Hello, world"},
		{"blank falls back to world", "   ", "Hello, world"},
		{"plain name", "Ada", "Hello, Ada"},
		{"trims whitespace", "  Grace ", "Hello, Grace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.in); got != tt.want {
				t.Errorf("Message(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	rec := do(t, New("1.2.3"), http.MethodGet, "/healthz")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if body := rec.Body.String(); body != "ok" {
		t.Errorf("body = %q, want %q", body, "ok")
	}
}

func TestGreet(t *testing.T) {
	tests := []struct {
		name, target, want string
	}{
		{"default name", "/greet", "Hello, world"},
		{"empty name", "/greet?name=", "Hello, world"},
		{"given name", "/greet?name=Ada", "Hello, Ada"},
		{"escaped name", "/greet?name=Grace%20Hopper", "Hello, Grace Hopper"},
	}
	h := New("")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tt.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var got Greeting
			if err := json.NewDecoder(rec.Body).Decode(&got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Greeting != tt.want {
				t.Errorf("greeting = %q, want %q", got.Greeting, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name, version, want string
	}{
		{"explicit version", "1.2.3", "1.2.3"},
		{"git sha", "0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567"},
		{"unset reports dev", "", "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, New(tt.version), http.MethodGet, "/version")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			var got Version
			if err := json.NewDecoder(rec.Body).Decode(&got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Version != tt.want {
				t.Errorf("version = %q, want %q", got.Version, tt.want)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	tests := []struct {
		name, method, target string
		want                 int
	}{
		{"unknown path", http.MethodGet, "/nope", http.StatusNotFound},
		{"post to greet", http.MethodPost, "/greet", http.StatusMethodNotAllowed},
		{"post to healthz", http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{"head healthz", http.MethodHead, "/healthz", http.StatusOK},
	}
	h := New("1.0.0")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := do(t, h, tt.method, tt.target); rec.Code != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.want)
			}
		})
	}
}
