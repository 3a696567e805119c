namespace Baton.Providers.Tests.Conformance;

/// <summary>Sees the real world behind a provider, so the kit can count what a call really made.</summary>
public interface IConformanceObserver
{
    /// <summary>How many real objects exist for the resource at <paramref name="address"/> whose id is <paramref name="id"/>.</summary>
    int CountRealObjects(string address, string id);
}
