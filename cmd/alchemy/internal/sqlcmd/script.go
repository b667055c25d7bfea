package sqlcmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// script runs the lines of r: statements, and meta-commands at the start of
// a line. A last statement without its semicolon runs at the end.
func (s *session) script(ctx context.Context, r io.Reader) error {
	br := bufio.NewReader(r)
	for lineno := 1; ; lineno++ {
		text, rerr := br.ReadString('\n')
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("reading %s: %w", s.src, rerr)
		}
		if text == "" && rerr == io.EOF {
			break
		}
		text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
		if err := s.input(ctx, text, lineno); err != nil {
			return err
		}
		if s.quit || rerr == io.EOF {
			break
		}
	}
	if s.quit {
		s.split.discard()
		return nil
	}
	return s.flush(ctx)
}
