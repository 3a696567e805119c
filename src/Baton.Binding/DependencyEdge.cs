using Baton.Addresses;
using Baton.Diagnostics;

namespace Baton.Binding;

/// <summary>A dependency found in a resource's expressions or <c>depends_on</c>: on one instance of the target, or on all of them.</summary>
internal sealed record DependencyEdge(string From, string To, InstanceKey? Key, SourceSpan Span);
