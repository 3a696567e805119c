namespace Baton.Providers;

/// <summary>
/// Declares, on a provider assembly, the factory of the provider family it holds:
/// <c>[assembly: BatonProvider(typeof(SimProviderFactory))]</c>. The engine reads this attribute from the assemblies
/// it is given; it never scans types.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class BatonProviderAttribute(Type factoryType) : Attribute
{
    /// <summary>A type implementing <see cref="IProviderFactory"/> with a public parameterless constructor.</summary>
    public Type FactoryType { get; } = factoryType;
}
