//! The bytes of one memo record (`site::memo`): a frame (length, checksum) around
//! the file's path, its key, the links it asked about with their answers' digests,
//! and the rendered result. Little-endian, lengths as u32.

use crate::content::markdown::{AnchorCheck, Heading, LinkProblem, Rendered};
use siphasher::sip::SipHasher13;
use std::hash::Hasher;
use std::io::Read;
use std::ops::Range;

/// Length (u32) and checksum (u64) before every payload.
const FRAME: usize = 12;

fn check(payload: &[u8]) -> u64 {
    let mut h = SipHasher13::new();
    h.write(payload);
    h.finish()
}

fn frame(out: &mut Vec<u8>, payload: &[u8]) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&check(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// The payload of the record at `at` and where the next one starts; `None` when
/// the record is cut short or its checksum is wrong.
pub fn record_at(bytes: &[u8], at: usize) -> Option<(Range<usize>, usize)> {
    let head = bytes.get(at..at + FRAME)?;
    let len = u32::from_le_bytes(head[..4].try_into().ok()?) as usize;
    let sum = u64::from_le_bytes(head[4..].try_into().ok()?);
    let payload = at + FRAME..at + FRAME + len;
    (check(bytes.get(payload.clone())?) == sum).then_some((payload.clone(), payload.end))
}

/// What `next_record` found.
pub enum Next {
    /// The file ends here, after a whole record.
    End,
    /// A record whose checksum holds: its length, frame included.
    Record(usize),
    /// The file ends inside a record, or its checksum is wrong.
    Damaged,
}

/// Reads the next record of a file read front to back, its payload into `payload`.
pub fn next_record(file: &mut dyn Read, payload: &mut Vec<u8>) -> Next {
    let mut head = [0; FRAME];
    let mut got = 0;
    while got < FRAME {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Next::Damaged,
        }
    }
    if got == 0 {
        return Next::End;
    }
    if got < FRAME {
        return Next::Damaged;
    }
    let len = u32::from_le_bytes(head[..4].try_into().expect("4 bytes")) as usize;
    let sum = u64::from_le_bytes(head[4..].try_into().expect("8 bytes"));
    payload.clear();
    // `take` so a damaged length cannot ask for gigabytes up front.
    match file.take(len as u64).read_to_end(payload) {
        Ok(n) if n == len && check(payload) == sum => Next::Record(FRAME + len),
        _ => Next::Damaged,
    }
}

pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// One framed record.
pub fn record(rel: &str, key: u128, trace: &[(String, u128)], r: &Rendered) -> Vec<u8> {
    let mut p = Vec::with_capacity(r.html.len() + 256);
    put_str(&mut p, rel);
    p.extend_from_slice(&key.to_le_bytes());
    put_len(&mut p, trace.len());
    for (dest, digest) in trace {
        put_str(&mut p, dest);
        p.extend_from_slice(&digest.to_le_bytes());
    }
    put_str(&mut p, &r.html);
    match &r.summary {
        Some(s) => {
            p.push(1);
            put_str(&mut p, s);
        }
        None => p.push(0),
    }
    put_len(&mut p, r.headings.len());
    for h in &r.headings {
        p.push(h.level);
        put_str(&mut p, &h.id);
        put_str(&mut p, &h.title);
    }
    put_len(&mut p, r.char_count);
    put_len(&mut p, r.problems.len());
    for x in &r.problems {
        [x.line, x.col, x.len].into_iter().for_each(|n| put_len(&mut p, n));
        put_str(&mut p, &x.message);
        put_str(&mut p, &x.hint);
        p.push(x.warning as u8);
    }
    put_len(&mut p, r.anchor_checks.len());
    for a in &r.anchor_checks {
        [a.line, a.col, a.len].into_iter().for_each(|n| put_len(&mut p, n));
        put_str(&mut p, &a.target);
        put_str(&mut p, &a.anchor);
    }
    let mut out = Vec::with_capacity(p.len() + FRAME);
    frame(&mut out, &p);
    out
}

/// The rendered result after a record's trace (`Reader` positioned there).
pub fn rendered(r: &mut Reader) -> Option<Rendered> {
    let html = r.str()?.to_string();
    let summary = match r.u8()? {
        0 => None,
        _ => Some(r.str()?.to_string()),
    };
    let headings = (0..r.len()?).map(|_| Some(Heading { level: r.u8()?, id: r.str()?.into(), title: r.str()?.into() })).collect::<Option<_>>()?;
    let char_count = r.len()?;
    let problems = (0..r.len()?)
        .map(|_| Some(LinkProblem { line: r.len()?, col: r.len()?, len: r.len()?, message: r.str()?.into(), hint: r.str()?.into(), warning: r.u8()? == 1 }))
        .collect::<Option<_>>()?;
    let anchor_checks = (0..r.len()?)
        .map(|_| Some(AnchorCheck { line: r.len()?, col: r.len()?, len: r.len()?, target: r.str()?.into(), anchor: r.str()?.into() }))
        .collect::<Option<_>>()?;
    r.at_end().then_some(Rendered { html, summary, headings, char_count, problems, anchor_checks })
}

/// Reads a payload front to back; `None` past its end or on text that is not UTF-8.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn len(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    pub fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_damage_is_detected() {
        let r = Rendered {
            html: "<p>党费</p>".into(),
            summary: Some("摘要".into()),
            headings: vec![Heading { level: 2, id: "一总体要求".into(), title: "一、总体要求".into() }],
            char_count: 7,
            problems: vec![LinkProblem { line: 3, col: 5, len: 2, message: "坏链接".into(), hint: "改".into(), warning: true }],
            anchor_checks: vec![AnchorCheck { line: 1, col: 1, len: 9, target: "a.md".into(), anchor: "x".into() }],
        };
        let bytes = record("notices/a.md", 7, &[("@/b.md".into(), 9)], &r);
        let (payload, next) = record_at(&bytes, 0).unwrap();
        assert_eq!(next, bytes.len());
        let mut rd = Reader::new(&bytes[payload]);
        assert_eq!(rd.str(), Some("notices/a.md"));
        assert_eq!(rd.u128(), Some(7));
        assert_eq!(rd.len(), Some(1));
        assert_eq!((rd.str(), rd.u128()), (Some("@/b.md"), Some(9)));
        let back = rendered(&mut rd).unwrap();
        assert_eq!((back.html, back.summary, back.char_count), (r.html, r.summary, 7));
        assert_eq!((back.headings[0].id.as_str(), back.problems[0].warning, back.anchor_checks[0].target.as_str()), ("一总体要求", true, "a.md"));
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        let (mut file, mut p) = (&two[..], Vec::new());
        assert!(matches!(next_record(&mut file, &mut p), Next::Record(n) if n == bytes.len()));
        assert!(matches!(next_record(&mut file, &mut p), Next::Record(_)));
        assert!(matches!(next_record(&mut file, &mut p), Next::End));
        let mut file = &two[..two.len() - 3];
        next_record(&mut file, &mut p);
        assert!(matches!(next_record(&mut file, &mut p), Next::Damaged), "torn");
        let mut torn = bytes.clone();
        torn.truncate(bytes.len() - 1);
        assert!(record_at(&torn, 0).is_none());
        let mut flipped = bytes;
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(record_at(&flipped, 0).is_none());
    }
}
