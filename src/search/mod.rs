//! The search domain: logic testable without a window (see ../shared/docs/design.md).
