//! Image deploys: the registry coordinates an `IMAGE_ONLY` or `IMAGE_AND_DAG` deploy gives,
//! and what to log in with. Building and pushing the image is the caller's (with Docker,
//! Podman, or a registry client); `examples/deploy_dags.rs` shows the commands.

use astro_platform::types::Deploy;

/// The host Astro's deploy images are pushed to when the repository does not name one.
pub const DEFAULT_REGISTRY: &str = "images.astronomer.cloud";

/// The user name to log in to the registry with; the password is the Astro API token.
pub const REGISTRY_USERNAME: &str = "cli";

/// Where to push a deploy's image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageTarget {
    /// The registry host, such as `images.astronomer.cloud`.
    pub registry: String,
    /// The repository, registry included (the deploy's `imageRepository`).
    pub repository: String,
    /// The tag (the deploy's `imageTag`).
    pub tag: String,
}

impl ImageTarget {
    /// The coordinates of a deploy; `None` when it has no repository or no tag.
    pub fn of(deploy: &Deploy) -> Option<Self> {
        let repository = deploy.image_repository.trim();
        let tag = deploy.image_tag.trim();
        if repository.is_empty() || tag.is_empty() {
            return None;
        }
        let registry = match repository.split_once('/') {
            Some((host, _)) if host.contains('.') || host.contains(':') => host,
            _ => DEFAULT_REGISTRY,
        };
        Some(Self {
            registry: registry.to_string(),
            repository: repository.to_string(),
            tag: tag.to_string(),
        })
    }

    /// The image reference to tag and push: `<repository>:<tag>`.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy(repository: &str, tag: &str) -> Deploy {
        serde_json::from_value(serde_json::json!({
            "createdAt": "2026-01-01T00:00:00Z", "deploymentId": "d", "id": "x",
            "imageRepository": repository, "imageTag": tag, "isDagDeployEnabled": true,
            "status": "INITIALIZED", "type": "IMAGE_ONLY",
        }))
        .unwrap()
    }

    #[test]
    fn coordinates_name_the_registry_repository_and_tag() {
        let target =
            ImageTarget::of(&deploy("images.astronomer.cloud/org/dep", "deploy-1")).unwrap();
        assert_eq!(target.registry, "images.astronomer.cloud");
        assert_eq!(
            target.reference(),
            "images.astronomer.cloud/org/dep:deploy-1"
        );
        let bare = ImageTarget::of(&deploy("org/dep", "t")).unwrap();
        assert_eq!(bare.registry, DEFAULT_REGISTRY);
        assert_eq!(ImageTarget::of(&deploy("org/dep", "")), None);
    }
}
