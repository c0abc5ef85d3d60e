//! The pure domain core: units, periods, requirements, compliance, money, dues. No IO, no
//! clock: `as_of` and every input arrive as arguments, so it is tested in isolation.

pub mod catalogue;
pub mod compliance;
pub mod dues;
pub mod extract;
pub mod life;
pub mod money;
pub mod period;
pub mod requirement;
pub mod study;
pub mod totals;
pub mod unit;
