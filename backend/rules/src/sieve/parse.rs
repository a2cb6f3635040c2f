//! The Sieve grammar (RFC 5228 §8.2): commands with arguments, tests and blocks, as a
//! generic tree that knows no command; [`super::import`] gives it meaning.
//!
//! Nesting is limited to [`MAX_DEPTH`] so that no script can exhaust the stack.

use super::{
    SieveError,
    lex::{Tok, Token},
};

/// The deepest nesting of blocks and tests accepted.
pub const MAX_DEPTH: usize = 32;

/// An argument of a command or test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// `:tag`
    Tag(String),
    /// A number.
    Num(u64),
    /// One string.
    Str(String),
    /// A bracketed string list.
    List(Vec<String>),
}

impl Arg {
    /// The strings of a string or a string list.
    pub fn strings(&self) -> Option<Vec<String>> {
        match self {
            Arg::Str(s) => Some(vec![s.clone()]),
            Arg::List(l) => Some(l.clone()),
            _ => None,
        }
    }
}

/// A test: name, arguments, nested tests (`allof`, `anyof`, `not`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    /// The name, in lower case.
    pub name: String,
    /// The arguments.
    pub args: Vec<Arg>,
    /// The nested tests.
    pub tests: Vec<Test>,
    /// Where the name is.
    pub line: u32,
    /// Where the name is.
    pub col: u32,
}

/// A command: name, arguments, tests (`if`) and block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The name, in lower case.
    pub name: String,
    /// The arguments.
    pub args: Vec<Arg>,
    /// The test or tests.
    pub tests: Vec<Test>,
    /// The block, for control commands.
    pub block: Option<Vec<Command>>,
    /// Where the name is.
    pub line: u32,
    /// Where the name is.
    pub col: u32,
    /// The line of its last token (`;` or `}`).
    pub end_line: u32,
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&Token> {
        let t = self.tokens.get(self.pos);
        self.pos += usize::from(t.is_some());
        t
    }

    fn here(&self) -> (u32, u32) {
        self.peek()
            .or_else(|| self.tokens.last())
            .map(|t| (t.line, t.col))
            .unwrap_or((1, 1))
    }

    fn error(&self, message: impl Into<String>) -> SieveError {
        let (line, col) = self.here();
        SieveError::new(line, col, message)
    }

    fn commands(&mut self, depth: usize, in_block: bool) -> Result<Vec<Command>, SieveError> {
        if depth > MAX_DEPTH {
            return Err(self.error("blocks nested too deeply"));
        }
        let mut out = Vec::new();
        loop {
            match self.peek().map(|t| &t.tok) {
                None if in_block => return Err(self.error("missing '}'")),
                None => return Ok(out),
                Some(Tok::RBrace) if in_block => return Ok(out),
                Some(Tok::Ident(_)) => out.push(self.command(depth)?),
                Some(_) => return Err(self.error("expected a command")),
            }
        }
    }

    fn command(&mut self, depth: usize) -> Result<Command, SieveError> {
        let Some(Token {
            tok: Tok::Ident(name),
            line,
            col,
        }) = self.next().cloned()
        else {
            return Err(self.error("expected a command"));
        };
        let args = self.arguments()?;
        let tests = self.tests(depth + 1)?;
        let (block, end_line) = match self.next().cloned() {
            Some(Token {
                tok: Tok::Semi,
                line,
                ..
            }) => (None, line),
            Some(Token {
                tok: Tok::LBrace, ..
            }) => {
                let block = self.commands(depth + 1, true)?;
                let end = self.next().map(|t| t.line).unwrap_or(line);
                (Some(block), end)
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.error(format!("expected ';' or '{{' after {name}")));
            }
        };
        Ok(Command {
            name,
            args,
            tests,
            block,
            line,
            col,
            end_line,
        })
    }

    fn arguments(&mut self) -> Result<Vec<Arg>, SieveError> {
        let mut args = Vec::new();
        loop {
            let arg = match self.peek().map(|t| t.tok.clone()) {
                Some(Tok::Tag(t)) => Arg::Tag(t),
                Some(Tok::Num(n)) => Arg::Num(n),
                Some(Tok::Str(s)) => Arg::Str(s),
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    let list = self.string_list()?;
                    args.push(Arg::List(list));
                    continue;
                }
                _ => return Ok(args),
            };
            self.pos += 1;
            args.push(arg);
        }
    }

    fn string_list(&mut self) -> Result<Vec<String>, SieveError> {
        let mut list = Vec::new();
        loop {
            match self.next().map(|t| t.tok.clone()) {
                Some(Tok::Str(s)) => list.push(s),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.error("expected a string in the list"));
                }
            }
            match self.next().map(|t| t.tok.clone()) {
                Some(Tok::Comma) => {}
                Some(Tok::RBracket) => return Ok(list),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.error("expected ',' or ']' in the string list"));
                }
            }
        }
    }

    /// A single test or a parenthesised test list, if one follows.
    fn tests(&mut self, depth: usize) -> Result<Vec<Test>, SieveError> {
        if depth > MAX_DEPTH {
            return Err(self.error("tests nested too deeply"));
        }
        match self.peek().map(|t| &t.tok) {
            Some(Tok::Ident(_)) => Ok(vec![self.test(depth)?]),
            Some(Tok::LParen) => {
                self.pos += 1;
                let mut list = vec![self.test(depth)?];
                loop {
                    match self.next().map(|t| t.tok.clone()) {
                        Some(Tok::Comma) => list.push(self.test(depth)?),
                        Some(Tok::RParen) => return Ok(list),
                        _ => {
                            self.pos = self.pos.saturating_sub(1);
                            return Err(self.error("expected ',' or ')' in the test list"));
                        }
                    }
                }
            }
            _ => Ok(Vec::new()),
        }
    }

    fn test(&mut self, depth: usize) -> Result<Test, SieveError> {
        let Some(Token {
            tok: Tok::Ident(name),
            line,
            col,
        }) = self.next().cloned()
        else {
            self.pos = self.pos.saturating_sub(1);
            return Err(self.error("expected a test"));
        };
        let args = self.arguments()?;
        let tests = self.tests(depth + 1)?;
        Ok(Test {
            name,
            args,
            tests,
            line,
            col,
        })
    }
}

/// Parses a whole script.
pub fn parse(tokens: &[Token]) -> Result<Vec<Command>, SieveError> {
    Parser { tokens, pos: 0 }.commands(0, false)
}

/// Parses a lone test (the text of Roundcube's `if false # <test>` comment).
pub fn parse_test(tokens: &[Token]) -> Result<Test, SieveError> {
    let mut p = Parser { tokens, pos: 0 };
    let test = p.test(1)?;
    if p.peek().is_some() {
        return Err(p.error("unexpected text after the test"));
    }
    Ok(test)
}
