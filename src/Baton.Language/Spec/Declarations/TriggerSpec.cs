using Baton.Diagnostics;

namespace Baton.Spec.Declarations;

/// <summary>An event that starts a workflow run.</summary>
public sealed record TriggerSpec(string Event, NameReference? Resource, NameReference? Workflow, SourceSpan Span);
