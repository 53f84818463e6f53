package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

	// ruleid: go-net-http-server-no-read-header-timeout
	api := &http.Server{
		Addr:    ":8080",
		Handler: mux,
	}
	// ruleid: go-net-http-server-no-read-header-timeout
	admin := http.Server{Addr: "127.0.0.1:9090", Handler: mux, WriteTimeout: 10 * time.Second}

	// ok: go-net-http-server-no-read-header-timeout
	metrics := &http.Server{Addr: ":9100", Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	// ok: go-net-http-server-no-read-header-timeout
	internal := &http.Server{Addr: ":8081", Handler: mux}
	internal.ReadHeaderTimeout = 5 * time.Second

	go func() { log.Fatal(admin.ListenAndServe()) }()
	go func() { log.Fatal(metrics.ListenAndServe()) }()
	go func() { log.Fatal(internal.ListenAndServe()) }()
	log.Fatal(api.ListenAndServe())
}
