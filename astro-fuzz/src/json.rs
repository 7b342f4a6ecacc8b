//! Strategies for JSON inputs: arbitrary values, and mutations of a valid value.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value, nested up to a few levels.
pub fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("2024-01-01T00:00:00Z".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,10}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One change to a JSON value, applied at the node a selector picks.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Replaces the node with another value.
    Replace(Value),
    /// Removes the node from its parent object or array.
    Remove,
    /// Adds a field to an object node (or replaces a non-object node by a one-field object).
    AddField(String, Value),
    /// Wraps the node in an array.
    WrapInArray,
}

/// A mutation with the selector of the node it applies to.
pub fn mutation() -> impl Strategy<Value = (usize, Mutation)> {
    let mutation = prop_oneof![
        3 => any_value().prop_map(Mutation::Replace),
        2 => Just(Mutation::Remove),
        1 => ("[a-zA-Z]{1,10}", any_value()).prop_map(|(k, v)| Mutation::AddField(k, v)),
        1 => Just(Mutation::WrapInArray),
    ];
    (any::<usize>(), mutation)
}

/// Applies the mutation to the node numbered `selector` modulo the number of nodes, in
/// pre-order (the root is node 0).
pub fn apply(value: &mut Value, selector: usize, mutation: Mutation) {
    let target = selector % count_nodes(value);
    let mut counter = 0;
    visit(value, target, &mut counter, mutation);
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(fields) => fields.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Walks to node `target`; returns whether the mutation was applied (or the node removed).
fn visit(value: &mut Value, target: usize, counter: &mut usize, mutation: Mutation) -> Visit {
    if *counter == target {
        return match mutation {
            Mutation::Remove => Visit::RemoveMe,
            Mutation::Replace(new) => {
                *value = new;
                Visit::Done
            }
            Mutation::AddField(key, new) => {
                match value {
                    Value::Object(fields) => {
                        fields.insert(key, new);
                    }
                    other => *other = Value::Object(Map::from_iter([(key, new)])),
                }
                Visit::Done
            }
            Mutation::WrapInArray => {
                *value = Value::Array(vec![value.take()]);
                Visit::Done
            }
        };
    }
    *counter += 1;
    let mut mutation = Some(mutation);
    match value {
        Value::Array(items) => {
            for index in 0..items.len() {
                let before = *counter;
                let size = count_nodes(&items[index]);
                if target < before + size {
                    if let Visit::RemoveMe =
                        visit(&mut items[index], target, counter, mutation.take().unwrap())
                    {
                        items.remove(index);
                    }
                    return Visit::Done;
                }
                *counter += size;
            }
        }
        Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            for key in keys {
                let before = *counter;
                let size = count_nodes(&fields[&key]);
                if target < before + size {
                    if let Visit::RemoveMe = visit(
                        fields.get_mut(&key).unwrap(),
                        target,
                        counter,
                        mutation.take().unwrap(),
                    ) {
                        fields.remove(&key);
                    }
                    return Visit::Done;
                }
                *counter += size;
            }
        }
        _ => {}
    }
    Visit::Done
}

enum Visit {
    Done,
    RemoveMe,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mutations_reach_the_node_selected() {
        let mut value = json!({"a": [1, {"b": 2}], "c": 3});
        // Nodes in pre-order: root, a, 1, {b}, 2, c (then without the 1: root, a, {b}, "x", c).
        apply(&mut value, 4, Mutation::Replace(json!("x")));
        assert_eq!(value, json!({"a": [1, {"b": "x"}], "c": 3}));
        apply(&mut value, 2, Mutation::Remove);
        assert_eq!(value, json!({"a": [{"b": "x"}], "c": 3}));
        apply(&mut value, 4, Mutation::WrapInArray);
        assert_eq!(value, json!({"a": [{"b": "x"}], "c": [3]}));
        apply(&mut value, 0, Mutation::Remove);
        assert_eq!(
            value,
            json!({"a": [{"b": "x"}], "c": [3]}),
            "the root stays"
        );
    }
}
