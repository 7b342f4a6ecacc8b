//! One change between two versions of an API: its kind, its impact on users, and where it is.

/// What a change does to code written against the previous generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled before stops compiling.
    Compile,
    /// Code still compiles but can fail at run time.
    Runtime,
    /// Nothing that worked stops working.
    Additive,
    /// Documentation only: no generated type changes.
    Docs,
}

impl Impact {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Compile => "breaks compilation",
            Impact::Runtime => "breaks at run time",
            Impact::Additive => "additive",
            Impact::Docs => "docs only",
        }
    }
}

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation's method or path changed.
    OperationMoved,
    /// An operation kept its method and path under another operationId.
    OperationRenamed,
    /// The facade method serving an operation has another name or owner (`Org`, `Client`).
    FacadeRenamed,
    /// A new parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter's type changed.
    ParameterTypeChanged,
    /// A parameter became required or optional.
    ParameterRequiredChanged,
    /// The operation now takes a request body.
    RequestBodyAdded,
    /// The operation no longer takes a request body.
    RequestBodyRemoved,
    /// The request body's type changed.
    RequestBodyTypeChanged,
    /// The request body became required or optional.
    RequestBodyRequiredChanged,
    /// The success response's type changed.
    ResponseTypeChanged,
    /// The success status changed.
    ResponseStatusChanged,
    /// The facade now pages the operation (`Paginate`).
    PaginationAdded,
    /// The facade no longer pages the operation.
    PaginationRemoved,
    /// The facade pages the operation over another items property or item type.
    PaginationChanged,
    /// A new schema.
    SchemaAdded,
    /// A schema is gone.
    SchemaRemoved,
    /// A schema is gone and another, identical one is new (a rename).
    SchemaRenamed,
    /// A schema is generated as a different kind of type.
    SchemaTypeChanged,
    /// A new property.
    PropertyAdded,
    /// A property is gone.
    PropertyRemoved,
    /// A property's type changed.
    PropertyTypeChanged,
    /// A property became required or optional.
    PropertyRequiredChanged,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A kept enum value is generated under another variant name.
    EnumVariantRenamed,
    /// Descriptions, summaries or examples changed.
    DocsChanged,
    /// Something else changed (limits, defaults, document-level fields).
    OtherChanged,
}

impl Kind {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation added",
            Kind::OperationRemoved => "operation removed",
            Kind::OperationMoved => "method/path changed",
            Kind::OperationRenamed => "operation renamed",
            Kind::FacadeRenamed => "facade method renamed",
            Kind::ParameterAdded => "parameter added",
            Kind::ParameterRemoved => "parameter removed",
            Kind::ParameterTypeChanged => "parameter type changed",
            Kind::ParameterRequiredChanged => "parameter required changed",
            Kind::RequestBodyAdded => "request body added",
            Kind::RequestBodyRemoved => "request body removed",
            Kind::RequestBodyTypeChanged => "request body type changed",
            Kind::RequestBodyRequiredChanged => "request body required changed",
            Kind::ResponseTypeChanged => "response type changed",
            Kind::ResponseStatusChanged => "response status changed",
            Kind::PaginationAdded => "pagination added",
            Kind::PaginationRemoved => "pagination removed",
            Kind::PaginationChanged => "pagination changed",
            Kind::SchemaAdded => "schema added",
            Kind::SchemaRemoved => "schema removed",
            Kind::SchemaRenamed => "schema renamed",
            Kind::SchemaTypeChanged => "schema type changed",
            Kind::PropertyAdded => "property added",
            Kind::PropertyRemoved => "property removed",
            Kind::PropertyTypeChanged => "property type changed",
            Kind::PropertyRequiredChanged => "property required changed",
            Kind::EnumValueAdded => "enum value added",
            Kind::EnumValueRemoved => "enum value removed",
            Kind::EnumVariantRenamed => "enum variant renamed",
            Kind::DocsChanged => "docs changed",
            Kind::OtherChanged => "other change",
        }
    }

    /// Whether the change belongs to an operation (rather than to a schema or the document).
    pub fn is_operation(self) -> bool {
        matches!(
            self,
            Kind::OperationAdded
                | Kind::OperationRemoved
                | Kind::OperationMoved
                | Kind::OperationRenamed
                | Kind::FacadeRenamed
                | Kind::ParameterAdded
                | Kind::ParameterRemoved
                | Kind::ParameterTypeChanged
                | Kind::ParameterRequiredChanged
                | Kind::RequestBodyAdded
                | Kind::RequestBodyRemoved
                | Kind::RequestBodyTypeChanged
                | Kind::RequestBodyRequiredChanged
                | Kind::ResponseTypeChanged
                | Kind::ResponseStatusChanged
                | Kind::PaginationAdded
                | Kind::PaginationRemoved
                | Kind::PaginationChanged
        )
    }
}

/// One difference between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What it does to users.
    pub impact: Impact,
    /// What changed.
    pub kind: Kind,
    /// The operation or schema it belongs to.
    pub owner: String,
    /// The parameter, property or enum value inside it, if any.
    pub member: Option<String>,
    /// Types and flags only, never text from the document.
    pub detail: String,
    /// Why it has this impact.
    pub why: &'static str,
}

/// Collects the changes of one operation or schema.
pub(super) struct Out<'a> {
    /// Where the changes go.
    pub changes: &'a mut Vec<Change>,
    /// The operation or schema they belong to.
    pub owner: &'a str,
}

impl Out<'_> {
    /// Records one change of the owner.
    pub fn push(
        &mut self,
        impact: Impact,
        kind: Kind,
        member: Option<&str>,
        detail: String,
        why: &'static str,
    ) {
        self.changes.push(Change {
            impact,
            kind,
            owner: self.owner.to_string(),
            member: member.map(str::to_string),
            detail,
            why,
        });
    }
}
