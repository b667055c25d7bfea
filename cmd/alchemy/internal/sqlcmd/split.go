package sqlcmd

import "strings"

// statement is one SQL statement of a script, without its closing semicolon.
type statement struct {
	text string
	line int // where its first character that is not a comment or space is
}

// rules are a dialect's lexical rules that decide where a statement ends.
type rules struct {
	hashComments     bool // MySQL: # starts a line comment
	dashNeedsSpace   bool // MySQL: -- starts a comment only before a space
	backslashEscapes bool // MySQL: \ escapes a character in '...' and "..."
	eStrings         bool // PostgreSQL: \ escapes in E'...'
	dollarQuotes     bool // PostgreSQL: $$...$$ and $tag$...$tag$
	brackets         bool // SQLite, SQL Server: [quoted name]
	nestedComments   bool // PostgreSQL, SQL Server: /* /* */ */
}

// rulesFor returns the lexical rules of the dialect named (dialect.Name()).
func rulesFor(name string) rules {
	switch name {
	case "postgresql":
		return rules{eStrings: true, dollarQuotes: true, nestedComments: true}
	case "mysql", "mariadb":
		return rules{hashComments: true, dashNeedsSpace: true, backslashEscapes: true}
	case "sqlite":
		return rules{brackets: true}
	case "mssql":
		return rules{brackets: true, nestedComments: true}
	}
	return rules{}
}

// splitter cuts SQL fed to it line by line into statements at each semicolon
// outside quotes, quoted names, comments and dollar-quoted strings, and
// outside the BEGIN ... END body of a CREATE TRIGGER, PROCEDURE, FUNCTION or
// EVENT (where the body's own statements end with semicolons).
type splitter struct {
	r rules

	buf     strings.Builder // the pending statement
	hasCode bool            // buf holds more than spaces and comments
	line    int             // the line of the first code in buf

	quote   byte   // the closing quote of the open quoted string or name, or 0
	escapes bool   // the open quote honours backslash escapes
	comment int    // depth of the open block comment
	dollar  string // the tag of the open dollar-quoted string ("$$", "$fn$"), or ""

	lineComment bool // the last line fed ended in a line comment

	words    int    // words seen in the statement
	first    string // its first word, upper-cased
	routine  bool   // a CREATE of a trigger, procedure, function or event
	depth    int    // open BEGIN and CASE blocks of a routine's body
	lastWord string // the previous word, upper-cased
}

// newSplitter returns a splitter for the dialect named.
func newSplitter(dialect string) *splitter {
	return &splitter{r: rulesFor(dialect)}
}

// feed adds one line of input (without its line break), numbered lineno,
// and returns the statements it completes.
func (s *splitter) feed(text string, lineno int) []statement {
	text += "\n"
	s.lineComment = false
	var out []statement
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case s.comment > 0:
			switch {
			case c == '*' && at(text, i+1, '/'):
				s.comment--
				s.buf.WriteString("*/")
				i += 2
			case c == '/' && at(text, i+1, '*') && s.r.nestedComments:
				s.comment++
				s.buf.WriteString("/*")
				i += 2
			default:
				s.buf.WriteByte(c)
				i++
			}
			continue
		case s.quote != 0:
			switch {
			case c == '\\' && s.escapes && i+1 < len(text):
				s.buf.WriteString(text[i : i+2])
				i += 2
			case c == s.quote && at(text, i+1, s.quote):
				s.buf.WriteString(text[i : i+2])
				i += 2
			default:
				if c == s.quote {
					s.quote = 0
				}
				s.buf.WriteByte(c)
				i++
			}
			continue
		case s.dollar != "":
			if strings.HasPrefix(text[i:], s.dollar) {
				s.buf.WriteString(s.dollar)
				i += len(s.dollar)
				s.dollar = ""
				continue
			}
			s.buf.WriteByte(c)
			i++
			continue
		}
		// Outside quotes and comments.
		switch {
		case c == '-' && at(text, i+1, '-') && (!s.r.dashNeedsSpace || i+2 < len(text) && isSpace(text[i+2])),
			c == '#' && s.r.hashComments:
			// A line comment: the rest of the line.
			s.lineComment = true
			j := i + strings.IndexByte(text[i:], '\n') + 1
			s.buf.WriteString(text[i:j])
			i = j
		case c == '/' && at(text, i+1, '*'):
			s.comment = 1
			s.buf.WriteString("/*")
			i += 2
		case c == '\'' || c == '"' || c == '`' || c == '[' && s.r.brackets:
			s.code(lineno)
			s.quote = c
			if c == '[' {
				s.quote = ']'
			}
			s.escapes = s.r.backslashEscapes && c != '`' && c != '[' ||
				s.r.eStrings && c == '\'' && i > 0 && (text[i-1] == 'E' || text[i-1] == 'e') && (i < 2 || !isWord(text[i-2]))
			s.buf.WriteByte(c)
			i++
		case c == '$' && s.r.dollarQuotes && (i == 0 || !isWord(text[i-1])) && dollarTag(text[i:]) != "":
			s.code(lineno)
			s.dollar = dollarTag(text[i:])
			s.buf.WriteString(s.dollar)
			i += len(s.dollar)
		case isWordStart(c):
			j := i + 1
			for j < len(text) && isWord(text[j]) {
				j++
			}
			s.code(lineno)
			s.word(text[i:j])
			s.buf.WriteString(text[i:j])
			i = j
		case c == ';' && !(s.routine && s.depth > 0):
			if s.hasCode {
				out = append(out, statement{text: strings.TrimSpace(s.buf.String()), line: s.line})
			}
			s.reset()
			i++
		default:
			if !isSpace(c) {
				s.code(lineno)
			}
			s.buf.WriteByte(c)
			i++
		}
	}
	return out
}

// flush returns what is pending as a last statement, if it holds any code,
// and empties the splitter. An unclosed quote or comment is sent as it is,
// and the server reports it.
func (s *splitter) flush() (statement, bool) {
	st := statement{text: strings.TrimSpace(s.buf.String()), line: s.line}
	ok := s.hasCode
	s.reset()
	s.quote, s.comment, s.dollar = 0, 0, ""
	return st, ok
}

// pending reports whether a statement has begun and not ended.
func (s *splitter) pending() bool { return s.hasCode }

// inside reports whether the input is inside a quoted string or name,
// a block comment or a dollar-quoted string.
func (s *splitter) inside() bool { return s.quote != 0 || s.comment > 0 || s.dollar != "" }

// discard drops the pending statement (the prompt's Ctrl-C).
func (s *splitter) discard() { s.flush() }

// code marks the start of the statement's code.
func (s *splitter) code(lineno int) {
	if !s.hasCode {
		s.hasCode = true
		s.line = lineno
	}
}

// reset empties the pending statement; quote and comment state stay as they
// are (a semicolon is never inside one).
func (s *splitter) reset() {
	s.buf.Reset()
	s.hasCode = false
	s.line = 0
	s.words, s.first, s.routine, s.depth, s.lastWord = 0, "", false, 0, ""
}

// word follows the words of the statement to find the body of a routine:
// BEGIN and CASE open a block, END closes one, and END IF, END LOOP, END
// WHILE, END REPEAT and END CASE close the block their END names (IF, LOOP,
// WHILE and REPEAT do not count as openers, so their END is not counted).
func (s *splitter) word(w string) {
	u := strings.ToUpper(w)
	s.words++
	if s.words == 1 {
		s.first = u
	}
	if s.first == "CREATE" && !s.routine {
		switch u {
		case "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT":
			s.routine = true
		}
	}
	if s.routine {
		switch {
		case s.lastWord == "END" && (u == "IF" || u == "LOOP" || u == "WHILE" || u == "REPEAT"):
			s.depth++ // that END closed a block not counted
		case s.lastWord == "END" && u == "CASE":
			// END CASE closes the CASE counted
		case u == "BEGIN" || u == "CASE":
			s.depth++
		case u == "END":
			s.depth--
		}
	}
	s.lastWord = u
}

// dollarTag returns the dollar-quote opener at the start of text ("$$",
// "$body$"), or "" if there is none ("$1" is a parameter).
func dollarTag(text string) string {
	if len(text) < 2 || text[0] != '$' {
		return ""
	}
	if text[1] == '$' {
		return "$$"
	}
	if !isWordStart(text[1]) {
		return ""
	}
	for j := 2; j < len(text); j++ {
		switch {
		case text[j] == '$':
			return text[:j+1]
		case !isWordStart(text[j]) && !isDigit(text[j]):
			return ""
		}
	}
	return ""
}

func at(s string, i int, c byte) bool { return i < len(s) && s[i] == c }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWordStart reports a letter, an underscore, or a byte of a multi-byte
// UTF-8 character (a letter in a name, as databases take it).
func isWordStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func isWord(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' }
