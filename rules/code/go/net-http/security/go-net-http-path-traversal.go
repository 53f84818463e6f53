package files

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
)

const uploadDir = "/srv/shop/uploads"

// Download streams an uploaded file back.
func Download(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	// ruleid: go-net-http-path-traversal
	f, err := os.Open(filepath.Join(uploadDir, name))
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	_, _ = io.Copy(w, f)
}

// Invoice serves a PDF invoice.
func Invoice(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-net-http-path-traversal
	http.ServeFile(w, r, filepath.Join("/srv/shop/invoices", r.FormValue("id")+".pdf"))
}

// DownloadSafely keeps only the last element of the name.
func DownloadSafely(w http.ResponseWriter, r *http.Request) {
	name := filepath.Base(r.URL.Query().Get("file"))
	// ok: go-net-http-path-traversal
	data, err := os.ReadFile(filepath.Join(uploadDir, name))
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	_, _ = w.Write(data)
}

// Avatar opens the file through an os.Root, which refuses names that leave the folder.
func Avatar(w http.ResponseWriter, r *http.Request) {
	root, err := os.OpenRoot(uploadDir)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	// ok: go-net-http-path-traversal
	f, err := root.Open(r.URL.Query().Get("file"))
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	_, _ = io.Copy(w, f)
}
