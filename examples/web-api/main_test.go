package main

import "testing"

func TestEnvOr(t *testing.T) {
	t.Setenv("WEB_API_TEST_SET", "9090")
	t.Setenv("WEB_API_TEST_EMPTY", "")
	tests := []struct {
		name, key, fallback, want string
	}{
		{"set", "WEB_API_TEST_SET", "8080", "9090"},
		{"empty uses fallback", "WEB_API_TEST_EMPTY", "8080", "8080"},
		{"unset uses fallback", "WEB_API_TEST_UNSET_XYZ", "8080", "8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := envOr(tt.key, tt.fallback); got != tt.want {
				t.Errorf("envOr(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}
