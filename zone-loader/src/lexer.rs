//! Splits a master file (RFC 1035 5.1) into entries of tokens with their
//! line and column.
//!
//! An entry is one logical line: parentheses let it span physical lines,
//! `;` starts a comment, quoted strings keep spaces, and a backslash makes
//! the next byte part of the token. Tokens are slices of the source with
//! escapes left in place; the parser decodes them where the field type is
//! known. A line that begins with a blank has no owner (it repeats the
//! previous one). As in BIND, a quoted string ends at the end of its line
//! unless the newline is escaped (it then counts as a line): an unclosed
//! quote is reported there and the next line is read afresh. Outside
//! quotes a backslash before the end of a line or of the file is an error.

use std::fmt;

/// A token of an entry: a slice of the source, escapes still encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The bytes, without the quotes of a quoted string.
    pub text: &'a [u8],
    /// Whether it was written in double quotes.
    pub quoted: bool,
    /// 1-based line of the token's first byte.
    pub line: u32,
    /// 1-based column of the token's first byte.
    pub col: u32,
}

/// What went wrong splitting the file into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexError {
    /// A `)` with no open `(`.
    UnbalancedClose,
    /// The file ended inside parentheses.
    UnclosedParen,
    /// A `(` inside parentheses (BIND, Knot and NSD reject it too).
    NestedParen,
    /// A quoted string not closed before the end of its line.
    UnclosedQuote,
    /// Outside quotes, a backslash with nothing after it on its line.
    DanglingEscape,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnbalancedClose => "')' without a matching '('",
            Self::UnclosedParen => "'(' not closed before the end of the file",
            Self::NestedParen => "'(' inside parentheses",
            Self::DanglingEscape => "backslash at the end of a line outside quotes",
            Self::UnclosedQuote => "quoted string not closed before the end of the line",
        })
    }
}

/// The start of an entry, besides its tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryStart {
    /// The line the entry starts on.
    pub line: u32,
    /// The line began with a blank: the owner is the previous one.
    pub owner_omitted: bool,
}

/// An error found while lexing, with where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexFailure {
    /// What went wrong.
    pub error: LexError,
    /// Where.
    pub line: u32,
    /// Where, on the line.
    pub col: u32,
}

/// Reads entries one at a time from a file held in memory.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// An error found inside a word, reported once the word is read.
    pending: Option<LexFailure>,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'a [u8]) -> Self {
        Self {
            src,
            pos: 0,
            line: 1,
            line_start: 0,
            pending: None,
        }
    }

    fn col(&self, at: usize) -> u32 {
        (at - self.line_start + 1) as u32
    }

    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    /// Fills `tokens` with the next entry. `None` at the end of the file.
    /// On an error the rest of the physical line is skipped, so the caller
    /// can report it and go on.
    pub fn next_entry(
        &mut self,
        tokens: &mut Vec<Token<'a>>,
    ) -> Option<Result<EntryStart, LexFailure>> {
        tokens.clear();
        let mut depth = 0u32;
        let mut start = EntryStart {
            line: self.line,
            owner_omitted: false,
        };
        let mut at_line_start = true;
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                if depth > 0 {
                    return Some(Err(self.fail(LexError::UnclosedParen, self.pos)));
                }
                return if tokens.is_empty() {
                    None
                } else {
                    Some(Ok(start))
                };
            };
            if at_line_start && depth == 0 && tokens.is_empty() {
                start = EntryStart {
                    line: self.line,
                    owner_omitted: b == b' ' || b == b'\t',
                };
            }
            at_line_start = false;
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.newline();
                    at_line_start = true;
                    if depth == 0 && !tokens.is_empty() {
                        return Some(Ok(start));
                    }
                }
                b';' => {
                    while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'(' => {
                    if depth > 0 {
                        let failure = self.fail(LexError::NestedParen, self.pos);
                        self.skip_line();
                        return Some(Err(failure));
                    }
                    depth += 1;
                    self.pos += 1;
                }
                b')' => {
                    if depth == 0 {
                        let failure = self.fail(LexError::UnbalancedClose, self.pos);
                        self.skip_line();
                        return Some(Err(failure));
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                b'"' => match self.quoted() {
                    Ok(token) => tokens.push(token),
                    Err(failure) => return Some(Err(failure)),
                },
                _ => {
                    tokens.push(self.word());
                    if let Some(failure) = self.pending.take() {
                        return Some(Err(failure));
                    }
                }
            }
        }
    }

    fn fail(&self, error: LexError, at: usize) -> LexFailure {
        LexFailure {
            error,
            line: self.line,
            col: self.col(at),
        }
    }

    fn skip_line(&mut self) {
        while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    /// Steps over a backslash and the byte it escapes, counting an
    /// escaped newline as a line.
    fn escape(&mut self) {
        self.pos += 1;
        match self.src.get(self.pos) {
            Some(b'\n') => self.newline(),
            Some(_) => self.pos += 1,
            None => {}
        }
    }

    fn quoted(&mut self) -> Result<Token<'a>, LexFailure> {
        let (line, col) = (self.line, self.col(self.pos));
        self.pos += 1;
        let begin = self.pos;
        loop {
            match self.src.get(self.pos) {
                None | Some(b'\n') => {
                    return Err(LexFailure {
                        error: LexError::UnclosedQuote,
                        line,
                        col,
                    });
                }
                Some(b'"') => break,
                Some(b'\\') => self.escape(),
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.src[begin..self.pos];
        self.pos += 1;
        Ok(Token {
            text,
            quoted: true,
            line,
            col,
        })
    }

    fn word(&mut self) -> Token<'a> {
        let begin = self.pos;
        let (line, col) = (self.line, self.col(begin));
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')' | b'"' => break,
                b'\\' if matches!(self.src.get(self.pos + 1), None | Some(b'\n')) => {
                    self.pending = Some(self.fail(LexError::DanglingEscape, self.pos));
                    self.pos += 1;
                    break;
                }
                b'\\' => self.escape(),
                _ => self.pos += 1,
            }
        }
        Token {
            text: &self.src[begin..self.pos],
            quoted: false,
            line,
            col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(src: &str) -> Vec<(EntryStart, Vec<String>)> {
        let mut lexer = Lexer::new(src.as_bytes());
        let mut tokens = Vec::new();
        let mut out = Vec::new();
        while let Some(entry) = lexer.next_entry(&mut tokens) {
            let start = entry.unwrap();
            let texts = tokens
                .iter()
                .map(|t| String::from_utf8_lossy(t.text).into_owned())
                .collect();
            out.push((start, texts));
        }
        out
    }

    #[test]
    fn parentheses_join_lines_and_comments_vanish() {
        let e = entries("@ IN SOA ns hm ( 1 ; serial\n 2 3\n 4 5 )\nwww A 1.2.3.4\n");
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].1,
            ["@", "IN", "SOA", "ns", "hm", "1", "2", "3", "4", "5"]
        );
        assert_eq!(e[1].0.line, 4);
        assert_eq!(e[1].1, ["www", "A", "1.2.3.4"]);
    }

    #[test]
    fn leading_blank_means_owner_omitted() {
        let e = entries("a A 1.1.1.1\n\tAAAA ::1\n\n ; only a comment\n");
        assert!(!e[0].0.owner_omitted);
        assert!(e[1].0.owner_omitted);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn quotes_and_escapes_keep_their_bytes() {
        let e = entries("t TXT \"a b;c\" x\\ y \"q\\\"q\"\n");
        assert_eq!(e[0].1, ["t", "TXT", "a b;c", "x\\ y", "q\\\"q"]);
    }

    #[test]
    fn lexer_errors_name_their_position() {
        let mut lexer = Lexer::new(b"a A 1.1.1.1 )\nb A 2.2.2.2\n");
        let mut tokens = Vec::new();
        let err = lexer.next_entry(&mut tokens).unwrap().unwrap_err();
        assert_eq!(err.error, LexError::UnbalancedClose);
        assert_eq!((err.line, err.col), (1, 13));
        let ok = lexer.next_entry(&mut tokens).unwrap().unwrap();
        assert_eq!(ok.line, 2);

        let mut lexer = Lexer::new(b"a TXT ( \"x\"\n");
        assert_eq!(
            lexer.next_entry(&mut tokens).unwrap().unwrap_err().error,
            LexError::UnclosedParen
        );
        let mut lexer = Lexer::new(b"a TXT \"x\n");
        assert_eq!(
            lexer.next_entry(&mut tokens).unwrap().unwrap_err().error,
            LexError::UnclosedQuote
        );
    }
}
