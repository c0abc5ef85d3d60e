//! The disclosure catalogue (党务公开目录, 党务公开条例 第三章): what each unit must
//! disclose, to whom, how often and by when (`item`, the `preset`), declared like
//! requirements (nearest declaration wins), and whether each disclosure was made on
//! time (`timeliness`), from the day it was really published (`published`) and a
//! working-day `workdays` calendar. Pure.

pub mod item;
pub mod preset;
pub mod published;
pub mod timeliness;
pub mod workdays;

pub use item::{CatalogueDecl, Category, Deadline, Frequency, Item, Reach};
pub use published::FirstPublished;
pub use timeliness::{Disclosure, Report, Status, Tally};
pub use workdays::Calendar;
