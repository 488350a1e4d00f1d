// Command web-api is a tiny HTTP service used as a slipway example.
package main

import (
	"errors"
	"log"
	"net/http"
	"os"
	"time"

	"example.com/web-api/internal/server"
)

func main() {
	addr := ":" + envOr("PORT", "8080")
	srv := &http.Server{
		Addr:              addr,
		Handler:           server.New(os.Getenv("APP_VERSION")),
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Printf("web-api listening on %s", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
