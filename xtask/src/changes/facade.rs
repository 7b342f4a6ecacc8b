//! The `astro-api` facade's method names, as it derives them from a document: every operation
//! whose path has `{organizationId}` is a method of `Org`, the others are methods of `Client`,
//! each named `snake_case(operationId)`. A facade method is renamed exactly when an operationId
//! changes or an operation moves into or out of an organization's scope.

use astro_spec::naming;

/// The facade method that serves an operation: `Org::list_workspaces`,
/// `Client::list_organizations`.
pub fn facade_method(operation_id: &str, path: &str) -> String {
    let owner = if path.contains("{organizationId}") {
        "Org"
    } else {
        "Client"
    };
    format!("{owner}::{}", naming::snake(operation_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_methods_are_the_operations_under_an_organization() {
        assert_eq!(
            facade_method(
                "ListWorkspaces",
                "/organizations/{organizationId}/workspaces"
            ),
            "Org::list_workspaces"
        );
        assert_eq!(
            facade_method("GetSelfUser", "/users/self"),
            "Client::get_self_user"
        );
    }
}
