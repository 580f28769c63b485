//! Master files (RFC 1035 5) to records: owners, TTLs, classes, types and
//! rdata, with the directives `$ORIGIN`, `$TTL` (RFC 2308 4), `$INCLUDE`
//! (relative to the including file, depth-bounded) and BIND's `$GENERATE`.
//!
//! Every problem is recorded with its `file:line:col` and parsing goes on
//! with the next entry, so one run reports every error in a file.

use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::generate::{MAX_GENERATE_RECORDS, parse_range, substitute};
use crate::lexer::{Lexer, Token};
use crate::problem::{ProblemKind, Problems};
use crate::rdata;
use crate::rtype::{self, code};
use crate::ttl::parse_record_ttl;
use crate::wire::name::{self, Name};

/// Deepest `$INCLUDE` nesting (BIND and Knot use similar small bounds).
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// The class every served zone has (RFC 1035 3.2.4).
pub const CLASS_IN: u16 = 1;

/// A record as parsed, borrowed for the sink to copy what it keeps.
#[derive(Debug)]
pub struct ParsedRecord<'r> {
    /// The owner, as written (case kept).
    pub owner: &'r Name,
    /// The type code.
    pub rtype: u16,
    /// The TTL in seconds.
    pub ttl: u32,
    /// The rdata in wire form.
    pub rdata: &'r [u8],
    /// The file it was read from.
    pub file: &'r Arc<Path>,
    /// The line it starts on.
    pub line: u32,
}

/// Parser state that an included file inherits and the includer gets back.
#[derive(Clone)]
struct Context {
    origin: Name,
    last_owner: Option<Name>,
    last_ttl: Option<u32>,
    default_ttl: Option<u32>,
}

/// Parses master files and hands each good record to a sink.
pub struct Parser<'s, S> {
    sink: &'s mut S,
    default_ttl: Option<u32>,
    /// Problems found so far.
    pub problems: Problems,
    /// Every file read (the zone file and its includes), for change detection.
    pub files: Vec<PathBuf>,
    rdata: Vec<u8>,
}

impl<'s, S: FnMut(ParsedRecord<'_>, &mut Problems)> Parser<'s, S> {
    /// A parser feeding `sink`.
    pub fn new(sink: &'s mut S) -> Self {
        Self {
            sink,
            default_ttl: None,
            problems: Problems::default(),
            files: Vec::new(),
            rdata: Vec::with_capacity(512),
        }
    }

    /// Records without a TTL (and no `$TTL` before them) get `ttl`, as in
    /// files that are not zones (trust anchors), instead of an error.
    #[must_use]
    pub fn with_default_ttl(mut self, ttl: u32) -> Self {
        self.default_ttl = Some(ttl);
        self
    }

    /// Parses the file at `path` with `origin` as the initial `$ORIGIN`.
    pub fn parse_file(&mut self, path: &Path, origin: &Name) {
        let mut ctx = Context {
            origin: origin.clone(),
            last_owner: None,
            last_ttl: None,
            default_ttl: self.default_ttl,
        };
        let file: Arc<Path> = Arc::from(path);
        self.include(&file, &mut ctx, 0, &file, 0);
    }

    /// Parses `src` as if read from a file called `name`.
    pub fn parse_bytes(&mut self, src: &[u8], name: &Path, origin: &Name) {
        let mut ctx = Context {
            origin: origin.clone(),
            last_owner: None,
            last_ttl: None,
            default_ttl: self.default_ttl,
        };
        self.entries(src, &Arc::from(name), &mut ctx, 0);
    }

    fn include(
        &mut self,
        path: &Arc<Path>,
        ctx: &mut Context,
        depth: usize,
        from: &Arc<Path>,
        line: u32,
    ) {
        self.files.push(path.to_path_buf());
        // Only regular files: a device or FIFO (`/dev/zero`) would never end.
        let read = std::fs::metadata(path).and_then(|meta| {
            if meta.is_file() {
                std::fs::read(path)
            } else {
                Err(std::io::ErrorKind::InvalidInput.into())
            }
        });
        match read {
            Ok(src) => self.entries(&src, path, ctx, depth),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                self.problems.error(from, line, 0, ProblemKind::NotAFile);
            }
            Err(e) => self
                .problems
                .error(from, line, 0, ProblemKind::Unreadable(e.kind())),
        }
    }

    fn entries(&mut self, src: &[u8], file: &Arc<Path>, ctx: &mut Context, depth: usize) {
        let mut lexer = Lexer::new(src);
        let mut tokens = Vec::with_capacity(16);
        while let Some(entry) = lexer.next_entry(&mut tokens) {
            let start = match entry {
                Ok(start) => start,
                Err(failure) => {
                    self.problems.error(
                        file,
                        failure.line,
                        failure.col,
                        ProblemKind::Lex(failure.error),
                    );
                    continue;
                }
            };
            if !start.owner_omitted && tokens[0].text.first() == Some(&b'$') {
                self.directive(&tokens, file, ctx, depth);
            } else {
                self.record(&tokens, start.owner_omitted, file, ctx);
            }
        }
    }

    fn directive(
        &mut self,
        tokens: &[Token<'_>],
        file: &Arc<Path>,
        ctx: &mut Context,
        depth: usize,
    ) {
        let head = tokens[0];
        let args = &tokens[1..];
        let bad = |this: &mut Self, kind: ProblemKind, at: &Token<'_>| {
            this.problems.error(file, at.line, at.col, kind);
        };
        match head.text.to_ascii_uppercase().as_slice() {
            b"$ORIGIN" => {
                let [arg] = args else {
                    return bad(
                        self,
                        ProblemKind::BadDirective("$ORIGIN takes one domain name"),
                        &head,
                    );
                };
                match Name::from_text(arg.text, &ctx.origin) {
                    Ok(origin) => ctx.origin = origin,
                    Err(e) => bad(self, ProblemKind::BadOwner(e), arg),
                }
            }
            b"$TTL" => {
                let [arg] = args else {
                    return bad(self, ProblemKind::BadDirective("$TTL takes one TTL"), &head);
                };
                match parse_record_ttl(arg.text) {
                    Some((ttl, above_max)) => {
                        ctx.default_ttl = Some(ttl);
                        if above_max {
                            self.problems.warning(
                                file,
                                arg.line,
                                arg.col,
                                ProblemKind::TtlAboveMax,
                            );
                        }
                    }
                    None => bad(self, ProblemKind::BadDirective("invalid $TTL value"), arg),
                }
            }
            b"$INCLUDE" => {
                let (path_token, origin_token) = match args {
                    [p] => (p, None),
                    [p, o] => (p, Some(o)),
                    _ => {
                        return bad(
                            self,
                            ProblemKind::BadDirective(
                                "$INCLUDE takes a file name and an optional origin",
                            ),
                            &head,
                        );
                    }
                };
                if depth + 1 > MAX_INCLUDE_DEPTH {
                    return bad(self, ProblemKind::IncludeTooDeep, &head);
                }
                let mut inner = ctx.clone();
                if let Some(o) = origin_token {
                    match Name::from_text(o.text, &ctx.origin) {
                        Ok(origin) => inner.origin = origin,
                        Err(e) => return bad(self, ProblemKind::BadOwner(e), o),
                    }
                }
                let Some(relative) = include_path(path_token.text) else {
                    return bad(
                        self,
                        ProblemKind::BadDirective("invalid escape in the $INCLUDE file name"),
                        path_token,
                    );
                };
                let target = match file.parent() {
                    Some(dir) if relative.is_relative() => dir.join(&relative),
                    _ => relative,
                };
                self.include(&Arc::from(target), &mut inner, depth + 1, file, head.line);
            }
            b"$GENERATE" => self.generate(tokens, file, ctx),
            _ => bad(self, ProblemKind::UnknownDirective, &head),
        }
    }

    fn record(
        &mut self,
        tokens: &[Token<'_>],
        owner_omitted: bool,
        file: &Arc<Path>,
        ctx: &mut Context,
    ) {
        let mut at = 0;
        let owner = if owner_omitted {
            match &ctx.last_owner {
                Some(owner) => owner.clone(),
                None => {
                    return self.problems.error(
                        file,
                        tokens[0].line,
                        tokens[0].col,
                        ProblemKind::NoPreviousOwner,
                    );
                }
            }
        } else {
            at = 1;
            match Name::from_text(tokens[0].text, &ctx.origin) {
                Ok(owner) => owner,
                Err(e) => {
                    return self.problems.error(
                        file,
                        tokens[0].line,
                        tokens[0].col,
                        ProblemKind::BadOwner(e),
                    );
                }
            }
        };
        ctx.last_owner = Some(owner.clone());
        let fields = match RecordFields::read(&tokens[at..]) {
            Ok(fields) => fields,
            Err((index, kind)) => {
                let token = tokens.get(at + index).unwrap_or(&tokens[tokens.len() - 1]);
                return self.problems.error(file, token.line, token.col, kind);
            }
        };
        if let Some(index) = fields.ttl_above_max {
            let token = tokens[at + index];
            self.problems
                .warning(file, token.line, token.col, ProblemKind::TtlAboveMax);
        }
        let rdata_tokens = &tokens[at + fields.rdata_start..];
        let type_token = tokens[at + fields.rdata_start - 1];
        self.finish_record(
            &owner,
            fields,
            rdata_tokens,
            [tokens[0], type_token],
            file,
            ctx,
        );
    }

    /// Checks class and type, encodes rdata, resolves the TTL, and emits.
    /// `first` and `type_token` locate errors about the whole record.
    fn finish_record(
        &mut self,
        owner: &Name,
        fields: RecordFields,
        rdata_tokens: &[Token<'_>],
        [first, type_token]: [Token<'_>; 2],
        file: &Arc<Path>,
        ctx: &mut Context,
    ) {
        if fields.class.is_some_and(|c| c != CLASS_IN) {
            return self
                .problems
                .error(file, first.line, first.col, ProblemKind::WrongClass);
        }
        if !rtype::is_data_type(fields.rtype) {
            return self
                .problems
                .error(file, first.line, first.col, ProblemKind::MetaType);
        }
        if let Err(e) = rdata::encode(fields.rtype, rdata_tokens, &ctx.origin, &mut self.rdata) {
            let token = rdata_tokens
                .get(e.token)
                .or(rdata_tokens.last())
                .copied()
                .unwrap_or(type_token);
            return self
                .problems
                .error(file, token.line, token.col, ProblemKind::Rdata(e.kind));
        }
        let ttl = match fields.ttl.or(ctx.default_ttl).or(ctx.last_ttl) {
            Some(ttl) => ttl,
            // RFC 1035 had no $TTL; BIND then takes the SOA MINIMUM for the SOA itself.
            None if fields.rtype == code::SOA && self.rdata.len() >= 4 => {
                let m = &self.rdata[self.rdata.len() - 4..];
                u32::from_be_bytes([m[0], m[1], m[2], m[3]])
            }
            None => {
                return self
                    .problems
                    .error(file, first.line, first.col, ProblemKind::NoTtl);
            }
        };
        if fields.ttl.is_some() || ctx.last_ttl.is_none() {
            ctx.last_ttl = Some(ttl);
        }
        let record = ParsedRecord {
            owner,
            rtype: fields.rtype,
            ttl,
            rdata: &self.rdata,
            file,
            line: first.line,
        };
        (self.sink)(record, &mut self.problems);
    }

    /// `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs...`
    fn generate(&mut self, tokens: &[Token<'_>], file: &Arc<Path>, ctx: &mut Context) {
        let head = tokens[0];
        let fail = |this: &mut Self, why: &'static str, at: &Token<'_>| {
            this.problems
                .error(file, at.line, at.col, ProblemKind::BadGenerate(why));
        };
        if tokens.len() < 5 {
            return fail(self, "expected a range, an owner, a type and rdata", &head);
        }
        let Some((start, stop, step)) = parse_range(tokens[1].text) else {
            return fail(
                self,
                "range must be start-stop or start-stop/step, each from 0 to 2147483647, \
                 stop not below start, step at least 1",
                &tokens[1],
            );
        };
        if (stop - start) / step >= MAX_GENERATE_RECORDS {
            return fail(self, "range produces too many records", &tokens[1]);
        }
        let lhs = tokens[2];
        let fields = match RecordFields::read(&tokens[3..]) {
            Ok(fields) => fields,
            Err((index, kind)) => {
                let token = tokens.get(3 + index).unwrap_or(&head);
                return self.problems.error(file, token.line, token.col, kind);
            }
        };
        if let Some(index) = fields.ttl_above_max {
            let token = tokens[3 + index];
            self.problems
                .warning(file, token.line, token.col, ProblemKind::TtlAboveMax);
        }
        let templates = &tokens[3 + fields.rdata_start..];
        let mut owner_text = Vec::new();
        let mut rhs_texts: Vec<Vec<u8>> = vec![Vec::new(); templates.len()];
        let mut value = start;
        while value <= stop {
            owner_text.clear();
            if let Err(why) = substitute(lhs.text, value, &mut owner_text) {
                return fail(self, why, &lhs);
            }
            for (text, template) in rhs_texts.iter_mut().zip(templates) {
                text.clear();
                if let Err(why) = substitute(template.text, value, text) {
                    return fail(self, why, template);
                }
            }
            let owner = match Name::from_text(&owner_text, &ctx.origin) {
                Ok(owner) => owner,
                Err(e) => {
                    return self
                        .problems
                        .error(file, lhs.line, lhs.col, ProblemKind::BadOwner(e));
                }
            };
            let rdata_tokens: Vec<Token<'_>> = rhs_texts
                .iter()
                .zip(templates)
                .map(|(text, template)| Token { text, ..*template })
                .collect();
            let errors_before = self.problems.errors();
            let type_token = tokens[3 + fields.rdata_start - 1];
            self.finish_record(&owner, fields, &rdata_tokens, [head, type_token], file, ctx);
            if self.problems.errors() > errors_before {
                return;
            }
            value += step;
        }
    }
}

/// The TTL, class and type of a record, in either order, and where its rdata starts.
#[derive(Debug, Clone, Copy)]
struct RecordFields {
    ttl: Option<u32>,
    /// The index of a TTL above 2^31 - 1, read as 0.
    ttl_above_max: Option<usize>,
    class: Option<u16>,
    rtype: u16,
    rdata_start: usize,
}

impl RecordFields {
    /// Reads `[ttl] [class] type` or `[class] [ttl] type` from `tokens`.
    /// On error, returns the index of the token at fault.
    fn read(tokens: &[Token<'_>]) -> Result<Self, (usize, ProblemKind)> {
        let mut ttl = None;
        let mut ttl_above_max = None;
        let mut class = None;
        let mut at = 0;
        while at < tokens.len() && at < 2 {
            let text = tokens[at].text;
            if ttl.is_none() && text.first().is_some_and(u8::is_ascii_digit) {
                let (value, above_max) =
                    parse_record_ttl(text).ok_or((at, ProblemKind::BadDirective("invalid TTL")))?;
                ttl = Some(value);
                ttl_above_max = above_max.then_some(at);
            } else if class.is_none() && parse_class(text).is_some() {
                class = parse_class(text);
            } else {
                break;
            }
            at += 1;
        }
        let type_token = tokens.get(at).ok_or((at, ProblemKind::UnknownType))?;
        let rtype = rtype::from_mnemonic(type_token.text).ok_or_else(|| {
            if class.is_none() && type_token.text.to_ascii_uppercase().starts_with(b"CLASS") {
                (at, ProblemKind::UnknownClass)
            } else {
                (at, ProblemKind::UnknownType)
            }
        })?;
        Ok(Self {
            ttl,
            ttl_above_max,
            class,
            rtype,
            rdata_start: at + 1,
        })
    }
}

/// The file name of an `$INCLUDE`, its `\DDD` and `\X` escapes decoded
/// (`include\050` is `include2`). `None` for a bad escape.
fn include_path(text: &[u8]) -> Option<PathBuf> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\\' {
            let (byte, used) = name::unescape(&text[i..]).ok()?;
            bytes.push(byte);
            i += used;
        } else {
            bytes.push(text[i]);
            i += 1;
        }
    }
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

fn parse_class(text: &[u8]) -> Option<u16> {
    match text.to_ascii_uppercase().as_slice() {
        b"IN" => Some(1),
        b"CS" => Some(2),
        b"CH" => Some(3),
        b"HS" => Some(4),
        other => {
            let digits = other.strip_prefix(b"CLASS")?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(digits).ok()?.parse().ok()
        }
    }
}
