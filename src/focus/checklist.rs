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

/// A task line as read: the box's state, the byte where the box ("[ ]", "[x]", "[X]") starts,
/// and the text after it.
struct TaskLine<'a> {
    done: bool,
    box_at: usize,
    text: &'a str,
}

/// `- [ ] text`, `* [x] text`, `+ [X] text`, indented or not.
fn parse_line(line: &str) -> Option<TaskLine<'_>> {
    let rest = line.trim_start().strip_prefix(['-', '*', '+'])?;
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let done = match rest.get(..3)? {
        "[ ]" => false,
        "[x]" | "[X]" => true,
        _ => return None,
    };
    let after = &rest[3..];
    // The box must be followed by the text (or end the line), not glued to it: "[x]y" is not one.
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some(TaskLine {
        done,
        box_at: line.len() - rest.len(),
        text: after.trim(),
    })
}

/// The task lines of `notes`, in order.
pub fn items(notes: &str) -> Vec<ChecklistItem> {
    notes
        .lines()
        .enumerate()
        .filter_map(|(line, text)| {
            parse_line(text).map(|t| ChecklistItem {
                line,
                done: t.done,
                text: t.text.to_string(),
            })
        })
        .collect()
}

/// (done, total) when the notes hold a checklist.
pub fn progress(notes: &str) -> Option<(usize, usize)> {
    let (done, total) = notes
        .lines()
        .filter_map(parse_line)
        .fold((0, 0), |(d, t), l| (d + usize::from(l.done), t + 1));
    (total > 0).then_some((done, total))
}

/// The notes with the box on `line` ticked or cleared; anything else, line endings included,
/// as it was. A line that is not a task line leaves the notes unchanged.
pub fn toggle(notes: &str, line: usize) -> String {
    let mut out = String::with_capacity(notes.len());
    for (i, piece) in notes.split_inclusive('\n').enumerate() {
        if i == line
            && let Some(t) = parse_line(piece)
        {
            out.push_str(&piece[..t.box_at]);
            out.push_str(if t.done { "[ ]" } else { "[x]" });
            out.push_str(&piece[t.box_at + 3..]);
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
