//! How a thread is laid out: a top-level comment and its replies as a tree,
//! indented three levels deep (the comment, its replies, their replies);
//! anything deeper is listed, in time order, under its level-three ancestor
//! with "Replying to @…". Pure, so the server and the client lay out the
//! same replies the same way, also after "View more replies" adds some.

use std::collections::HashMap;

use uuid::Uuid;

use super::CommentView;

/// The deepest level that is indented (0 is the top-level comment).
pub const SHOWN_DEPTH: i32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub comment: CommentView,
    /// Who the comment answers, when it is shown flattened under an ancestor
    /// rather than under the comment it replies to.
    pub replying_to: Option<String>,
    pub replies: Vec<Node>,
}

/// Lays out `root` and `replies` (in any order, duplicates ignored). A reply
/// whose chain up to the root is incomplete (the reader may not see the
/// comment it answers) is left out with everything under it. A deleted
/// comment stays only while something under it is shown; `None` when not
/// even the root stays.
pub fn build(root: CommentView, replies: Vec<CommentView>) -> Option<Node> {
    let mut by_id: HashMap<Uuid, CommentView> = HashMap::new();
    for reply in replies {
        if reply.id != root.id {
            by_id.entry(reply.id).or_insert(reply);
        }
    }
    let mut replies: Vec<CommentView> = by_id.into_values().collect();
    replies.sort_by_key(|a| (a.created_at, a.id));

    // Where each shown reply goes: its parent, or its level-three ancestor.
    let parent_of: HashMap<Uuid, Option<Uuid>> = replies.iter().map(|r| (r.id, r.parent_id)).collect();
    let depth_of: HashMap<Uuid, i32> = replies.iter().map(|r| (r.id, r.depth)).collect();
    let author_of: HashMap<Uuid, Option<String>> =
        replies.iter().map(|r| (r.id, r.username().map(str::to_string))).collect();
    let placed_under = |reply: &CommentView| -> Option<Uuid> {
        // Walk up to the root; any missing link leaves the reply out.
        let mut at = reply.parent_id?;
        let mut target = None;
        loop {
            if at == root.id {
                return Some(target.unwrap_or(at));
            }
            let depth = *depth_of.get(&at)?;
            if depth <= SHOWN_DEPTH && target.is_none() {
                target = Some(at);
            }
            at = (*parent_of.get(&at)?)?;
        }
    };

    let mut children: HashMap<Uuid, Vec<Node>> = HashMap::new();
    let mut order: Vec<Uuid> = Vec::new();
    for reply in replies {
        let Some(under) = placed_under(&reply) else { continue };
        let replying_to = (Some(under) != reply.parent_id)
            .then(|| reply.parent_id.and_then(|p| author_of.get(&p).cloned().flatten()))
            .flatten();
        order.push(reply.id);
        children.entry(under).or_default().push(Node { comment: reply, replying_to, replies: Vec::new() });
    }
    // Attach from the deepest placement up, so each node carries its replies.
    for id in order.into_iter().rev() {
        let Some(mine) = children.remove(&id) else { continue };
        if let Some(node) = children.values_mut().flat_map(|v| v.iter_mut()).find(|n| n.comment.id == id) {
            node.replies = mine;
        }
    }
    let mut node = Node { replies: children.remove(&root.id).unwrap_or_default(), comment: root, replying_to: None };
    prune(&mut node);
    (!node.comment.deleted || !node.replies.is_empty()).then_some(node)
}

/// Drops deleted comments with nothing shown under them, bottom up.
fn prune(node: &mut Node) {
    for reply in &mut node.replies {
        prune(reply);
    }
    node.replies.retain(|r| !r.comment.deleted || !r.replies.is_empty());
}

/// How many comments the tree shows (the root included), placeholders not counted.
pub fn shown(node: &Node) -> usize {
    usize::from(!node.comment.deleted) + node.replies.iter().map(shown).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration};

    use super::*;
    use crate::posts::Author;

    fn at(minute: i64) -> DateTime<chrono::Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn comment(name: &str, minute: i64, parent: Option<&CommentView>) -> CommentView {
        CommentView {
            id: Uuid::new_v4(),
            parent_id: parent.map(|p| p.id),
            depth: parent.map_or(0, |p| p.depth + 1),
            author: Some(Author { username: name.into(), display_name: name.into(), avatar_url: None }),
            body: format!("{name} says"),
            segments: Vec::new(),
            created_at: at(minute),
            deleted: false,
            edited: false,
            hidden: false,
            held: false,
            like_count: 0,
            liked: false,
            is_mine: false,
            can_edit: false,
            can_delete: false,
            can_moderate: false,
            removed: None,
        }
    }

    fn deleted(mut c: CommentView) -> CommentView {
        c.deleted = true;
        c.author = None;
        c.body.clear();
        c
    }

    fn ids(nodes: &[Node]) -> Vec<Uuid> {
        nodes.iter().map(|n| n.comment.id).collect()
    }

    #[test]
    fn three_levels_nest_and_deeper_replies_flatten_under_the_third() {
        let root = comment("ann", 0, None);
        let one = comment("bob", 1, Some(&root));
        let two = comment("cat", 2, Some(&one));
        let three = comment("dan", 3, Some(&two));
        let four = comment("eve", 4, Some(&three));
        let sibling = comment("fay", 5, Some(&root));
        // Given out of order, as a second page merged into the first would be.
        let tree =
            build(root.clone(), vec![four.clone(), sibling.clone(), two.clone(), one.clone(), three.clone()]).unwrap();
        assert_eq!(ids(&tree.replies), vec![one.id, sibling.id]);
        let level1 = &tree.replies[0];
        assert_eq!(ids(&level1.replies), vec![two.id]);
        let level2 = &level1.replies[0];
        assert_eq!(ids(&level2.replies), vec![three.id, four.id], "deeper replies list under level three");
        assert_eq!(level2.replies[0].replying_to, None, "three answers two: no label needed");
        assert_eq!(level2.replies[1].replying_to.as_deref(), Some("dan"));
        assert!(level2.replies.iter().all(|n| n.replies.is_empty()));
        assert_eq!(shown(&tree), 6);
    }

    #[test]
    fn a_deleted_comment_with_replies_keeps_its_place_and_a_deleted_leaf_goes() {
        let root = comment("ann", 0, None);
        let parent = comment("bob", 1, Some(&root));
        let reply = comment("cat", 2, Some(&parent));
        let leaf = comment("dan", 3, Some(&root));
        let tree =
            build(deleted(root.clone()), vec![deleted(parent.clone()), reply.clone(), deleted(leaf.clone())]).unwrap();
        assert!(tree.comment.deleted);
        assert_eq!(ids(&tree.replies), vec![parent.id], "the deleted leaf is gone");
        assert!(tree.replies[0].comment.deleted);
        assert_eq!(ids(&tree.replies[0].replies), vec![reply.id]);
        assert_eq!(shown(&tree), 1);

        // Nothing live below: the whole thread goes.
        assert_eq!(build(deleted(root.clone()), vec![deleted(parent), deleted(reply)]), None);
        assert!(build(root, Vec::new()).is_some());
    }

    #[test]
    fn replies_whose_chain_is_not_shown_are_left_out() {
        let root = comment("ann", 0, None);
        let hidden = comment("bob", 1, Some(&root));
        let under_hidden = comment("cat", 2, Some(&hidden));
        let deeper = comment("dan", 3, Some(&under_hidden));
        let fine = comment("eve", 4, Some(&root));
        let tree = build(root.clone(), vec![under_hidden, deeper, fine.clone(), root.clone()]).unwrap();
        assert_eq!(ids(&tree.replies), vec![fine.id]);
    }
}
