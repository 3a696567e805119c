using Baton.Diagnostics;

namespace Baton.Spec.Model;

/// <summary>An event that starts a workflow run.</summary>
public sealed record TriggerSpec(string Event, NameReference? Resource, NameReference? Workflow, SourceSpan Span);
