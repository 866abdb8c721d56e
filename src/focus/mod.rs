//! The focus domain: logic testable without a window (see ../shared/docs/design.md).
