package media

import (
	"context"
	"fmt"
	"os/exec"
)

// Thumbnail shells out to ImageMagick.
func Thumbnail(src, size string) error {
	// ruleid: go-lang-exec-shell-injection
	cmd := exec.Command("sh", "-c", "convert "+src+" -resize "+size+" /tmp/thumb.png")
	return cmd.Run()
}

// Archive tars a folder, with a deadline.
func Archive(ctx context.Context, dir string) ([]byte, error) {
	script := fmt.Sprintf("tar czf /backups/site.tgz %s", dir)
	// ruleid: go-lang-exec-shell-injection
	return exec.CommandContext(ctx, "/bin/bash", "-c", script).Output()
}

// ThumbnailSafely passes each argument on its own, with no shell.
func ThumbnailSafely(src, size string) error {
	// ok: go-lang-exec-shell-injection
	return exec.Command("convert", src, "-resize", size, "/tmp/thumb.png").Run()
}

// Uptime runs a fixed shell pipeline.
func Uptime() ([]byte, error) {
	// ok: go-lang-exec-shell-injection
	return exec.Command("sh", "-c", "uptime | cut -d, -f1").Output()
}

// Grep hands the pattern to the script as a positional parameter, never as code.
func Grep(pattern string) ([]byte, error) {
	// ok: go-lang-exec-shell-injection
	return exec.Command("sh", "-c", `grep -- "$1" /var/log/shop.log | tail -n 20`, "sh", pattern).Output()
}
