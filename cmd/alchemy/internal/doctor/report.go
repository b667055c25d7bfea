package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// serverInfo says what the doctor examined.
type serverInfo struct {
	URL      string `json:"url"`
	URLFrom  string `json:"url_from"`
	Dialect  string `json:"dialect"`
	Version  string `json:"version,omitempty"`
	User     string `json:"user,omitempty"`
	Database string `json:"database,omitempty"`
	// Pooler names a pooler found between the doctor and the server.
	Pooler string `json:"pooler,omitempty"`
}

// report is everything the doctor prints.
type report struct {
	Server   serverInfo     `json:"server"`
	Pool     []Evidence     `json:"pool"`
	Settings []Evidence     `json:"settings"`
	Probe    *probeResult   `json:"probe,omitempty"`
	Findings findings       `json:"findings"`
	Counts   map[string]int `json:"counts"`
}

// finish sorts the findings, the worst first (keeping the checks' order among
// equals), and counts them.
func (r *report) finish() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return r.Findings[i].Severity.rank() < r.Findings[j].Severity.rank()
	})
	if r.Findings == nil {
		r.Findings = findings{}
	}
	if r.Settings == nil {
		r.Settings = []Evidence{}
	}
	r.Counts = map[string]int{}
	for _, s := range []Severity{SevError, SevWarning, SevInfo} {
		r.Counts[string(s)] = r.Findings.count(s)
	}
}

// write prints the report in format (table or json).
func (r *report) write(w io.Writer, format string, color bool) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	var b strings.Builder
	s := r.Server
	fmt.Fprintf(&b, "server:  %s", s.Dialect)
	if s.Version != "" {
		fmt.Fprintf(&b, " %s", s.Version)
	}
	fmt.Fprintf(&b, ", %s (from %s)", s.URL, s.URLFrom)
	if s.User != "" {
		fmt.Fprintf(&b, ", as %s", s.User)
	}
	if s.Pooler != "" {
		fmt.Fprintf(&b, ", through %s", s.Pooler)
	}
	b.WriteString("\npool:    ")
	for i, e := range r.Pool {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", e.Setting, e.Value)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}

	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Options.SeparateRows = true
	t.AppendHeader(table.Row{"severity / check", "finding", "evidence"})
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 2, WidthMax: 54, WidthMaxEnforcer: wrapLines},
		{Number: 3, WidthMax: 46, WidthMaxEnforcer: wrapLines},
	})
	for _, f := range r.Findings {
		finding := f.Summary
		if f.Fix != "" {
			finding += "\n\nfix: " + f.Fix
		}
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, fmt.Sprintf("%s = %s\n  from %s", e.Setting, e.Value, e.Source))
		}
		t.AppendRow(table.Row{severityText(f.Severity, color) + "\n" + f.Check, finding, strings.Join(ev, "\n")})
	}
	if len(r.Findings) > 0 {
		t.Render()
	}
	_, err := fmt.Fprintf(w, "%d %s, %d %s, %d info\n",
		r.Counts["error"], plural(r.Counts["error"], "error", "errors"),
		r.Counts["warning"], plural(r.Counts["warning"], "warning", "warnings"), r.Counts["info"])
	return err
}

// severityText is a severity as the table shows it, coloured on a terminal.
func severityText(s Severity, color bool) string {
	if !color {
		return string(s)
	}
	switch s {
	case SevError:
		return text.Colors{text.FgHiRed, text.Bold}.Sprint(string(s))
	case SevWarning:
		return text.FgYellow.Sprint(string(s))
	}
	return string(s)
}

// explainReport is what --explain prints.
type explainReport struct {
	Message string        `json:"message"`
	Known   bool          `json:"known"`
	Matches []Explanation `json:"matches"`
}

func (r explainReport) write(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	if !r.Known {
		_, err := fmt.Fprintf(w, "no known cause for this message: it holds none of the codes or wordings --explain knows (%s)\n", strings.Join(knownCodes(), ", "))
		return err
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 2, WidthMax: 90, WidthMaxEnforcer: wrapLines}})
	for i, m := range r.Matches {
		if i > 0 {
			t.AppendSeparator()
		}
		t.AppendRow(table.Row{"code", m.Code})
		t.AppendRow(table.Row{"layer", m.Layer})
		t.AppendRow(table.Row{"cause", m.Cause})
		t.AppendRow(table.Row{"fix", m.Fix})
		t.AppendRow(table.Row{"matched", fmt.Sprintf("%q", m.Matched)})
	}
	t.Render()
	return nil
}

// wrapLines wraps each line of s to n columns at word boundaries, keeping the
// line breaks s has and indenting a wrapped line's continuation as the line.
func wrapLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
		if text.StringWidthWithoutEscSequences(l) <= n || len(indent) >= n/2 {
			continue
		}
		w := text.WrapSoft(strings.TrimLeft(l, " "), n-len(indent))
		lines[i] = indent + strings.ReplaceAll(w, "\n", "\n"+indent)
	}
	return strings.Join(lines, "\n")
}
