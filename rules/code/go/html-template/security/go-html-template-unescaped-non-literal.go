package web

import (
	"html/template"
	"net/http"

	"github.com/microcosm-cc/bluemonday"
)

var page = template.Must(template.New("profile").Parse(`<div class="bio">{{.Bio}}</div><a href="{{.Site}}">site</a>`))

var ugc = bluemonday.UGCPolicy()

type profile struct {
	Bio  template.HTML
	Site template.URL
}

// ShowProfile renders a profile preview from query parameters.
func ShowProfile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := profile{
		// ruleid: go-html-template-unescaped-non-literal
		Bio: template.HTML(q.Get("bio")),
		// ruleid: go-html-template-unescaped-non-literal
		Site: template.URL(q.Get("site")),
	}
	_ = page.Execute(w, p)
}

// ShowProfileSafely sanitizes the rich text and uses a fixed link.
func ShowProfileSafely(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := profile{
		// ok: go-html-template-unescaped-non-literal
		Bio: template.HTML(ugc.Sanitize(q.Get("bio"))),
		// ok: go-html-template-unescaped-non-literal
		Site: template.URL("https://shop.example.com/"),
	}
	_ = page.Execute(w, p)
}
