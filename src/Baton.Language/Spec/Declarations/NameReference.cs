using Baton.Diagnostics;

namespace Baton.Spec.Declarations;

/// <summary>A name written in a stack file (in <c>depends_on</c>, <c>needs</c>, <c>provider</c>), with where it was written.</summary>
public sealed record NameReference(string Name, SourceSpan Span);
