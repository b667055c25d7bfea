package inspect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// ErrNoDot is the error of --format svg or png where Graphviz's dot program is not
// installed.
var ErrNoDot = errors.New("rendering a diagram needs Graphviz's dot program, which is not installed: install graphviz (apt-get install graphviz, dnf install graphviz, brew install graphviz), or write the DOT source with --format dot")

// findDot returns the path of Graphviz's dot program.
func findDot() (string, error) {
	p, err := exec.LookPath("dot")
	if err != nil {
		return "", ErrNoDot
	}
	return p, nil
}

// Render runs the dot program on the DOT source src and writes the picture in
// format (svg or png) to w.
func Render(ctx context.Context, dot, format string, src []byte, w io.Writer) error {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, dot, "-T"+format)
	cmd.Stdin = bytes.NewReader(src)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s -T%s: %s", dot, format, msg)
	}
	_, err := w.Write(out.Bytes())
	return err
}
