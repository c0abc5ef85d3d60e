//! Publishing from a shared folder (`dwgk publish`, `releases`, `rollback`):
//! releases built beside the live one and swapped in by one atomic rename,
//! scheduled wake-ups, a publication log. Change detection (`io::scan`,
//! `io::settle`) and the cron parser (`content::cron`) live lower down, shared with
//! `serve` and `config`. Pure logic (`schedule`, `manifest`, `drop_guard`, `problem`, `record`, `pages`) is
//! kept apart from the IO (`store`, `journal`, `release`, `portals`, `daemon`) and
//! unit-tested on its own.

pub mod crash;
pub mod daemon;
pub mod drop_guard;
pub mod first_published;
pub mod journal;
pub mod kept;
pub mod log;
pub mod manifest;
pub mod pages;
pub mod portals;
pub mod problem;
pub mod record;
pub mod release;
pub mod schedule;
pub mod share;
pub mod store;
pub mod zone;
