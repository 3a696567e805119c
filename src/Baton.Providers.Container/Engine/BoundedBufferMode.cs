namespace Baton.Providers.Container.Engine;

/// <summary>Which bytes a <see cref="BoundedBuffer"/> keeps when an output is longer than its limit.</summary>
internal enum BoundedBufferMode
{
    /// <summary>The first bytes: the start of a command's output.</summary>
    Head,

    /// <summary>The last bytes: the end of a log.</summary>
    Tail,
}
