namespace Baton.Binding;

/// <summary>The ways a resource expands.</summary>
internal enum ExpansionMode
{
    /// <summary>One instance, addressed by the bare name.</summary>
    Single,

    /// <summary><c>count</c>: instances <c>name[0]</c> … <c>name[n-1]</c>.</summary>
    Count,

    /// <summary><c>for_each</c>: instances <c>name["key"]</c>.</summary>
    ForEach,
}
