//! A card's checklist, kept in its notes as Markdown task lines (`- [ ] draft`, `- [x] send`),
//! the way GitHub, Obsidian and most note apps write one: the notes stay plain text that exports
//! and imports as it is, and the board reads progress from them.

/// One task line of the notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// The line's index in the notes (0-based), to toggle it.
    pub line: usize,
    pub done: bool,
    pub text: String,
}

/// `- [ ] text`, `* [x] text`, `+ [X] text`, indented or not: the box's state and the text.
fn parse_line(line: &str) -> Option<(bool, &str)> {
    let rest = line.trim_start().strip_prefix(['-', '*', '+'])?;
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let (done, rest) = if let Some(r) = rest.strip_prefix("[ ]") {
        (false, r)
    } else if let Some(r) = rest
        .strip_prefix("[x]")
        .or_else(|| rest.strip_prefix("[X]"))
    {
        (true, r)
    } else {
        return None;
    };
    // "[ ]" must be followed by the text (or end the line), not glued to it: "[x]y" is not a box.
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some((done, rest.trim()))
}

/// The task lines of `notes`, in order.
pub fn items(notes: &str) -> Vec<ChecklistItem> {
    notes
        .lines()
        .enumerate()
        .filter_map(|(line, text)| {
            parse_line(text).map(|(done, text)| ChecklistItem {
                line,
                done,
                text: text.to_string(),
            })
        })
        .collect()
}

/// (done, total) when the notes hold a checklist.
pub fn progress(notes: &str) -> Option<(usize, usize)> {
    let items = items(notes);
    (!items.is_empty()).then(|| (items.iter().filter(|i| i.done).count(), items.len()))
}

/// The notes with the box on `line` ticked or cleared; anything else, line endings included,
/// as it was. A line that is not a task line leaves the notes unchanged.
pub fn toggle(notes: &str, line: usize) -> String {
    let mut out = String::with_capacity(notes.len());
    for (i, piece) in notes.split_inclusive('\n').enumerate() {
        if i == line
            && let Some((done, _)) = parse_line(piece)
            && let Some(at) = piece.find(if done { "[x]" } else { "[ ]" }).or_else(|| {
                // An upper-case X was written by hand.
                done.then(|| piece.find("[X]")).flatten()
            })
        {
            out.push_str(&piece[..at]);
            out.push_str(if done { "[ ]" } else { "[x]" });
            out.push_str(&piece[at + 3..]);
        } else {
            out.push_str(piece);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTES: &str = "Ask Sam first.\n- [ ] outline\n  * [x] gather figures\n+ [X] book room\r\n- [] not a box\n- [x]glued\n-[ ] no space\n";

    #[test]
    fn task_lines_are_read_with_their_state_and_others_are_not() {
        let items = items(NOTES);
        let got: Vec<(usize, bool, &str)> = items
            .iter()
            .map(|i| (i.line, i.done, i.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, false, "outline"),
                (2, true, "gather figures"),
                (3, true, "book room"),
            ]
        );
        assert_eq!(progress(NOTES), Some((2, 3)));
        assert_eq!(progress("just notes"), None);
        assert_eq!(progress(""), None);
    }

    #[test]
    fn toggling_flips_one_box_and_keeps_everything_else() {
        let once = toggle(NOTES, 1);
        assert!(once.contains("- [x] outline\n"));
        assert_eq!(progress(&once), Some((3, 3)));
        let twice = toggle(&once, 1);
        assert_eq!(twice, NOTES, "toggled back, byte for byte");
        // The hand-written upper-case X and the Windows line ending survive a toggle.
        assert!(toggle(NOTES, 3).contains("+ [ ] book room\r\n"));
        // Lines that are not boxes, and lines past the end, change nothing.
        assert_eq!(toggle(NOTES, 0), NOTES);
        assert_eq!(toggle(NOTES, 4), NOTES);
        assert_eq!(toggle(NOTES, 99), NOTES);
        // The last line may lack its newline.
        assert_eq!(toggle("- [ ] a", 0), "- [x] a");
    }
}
