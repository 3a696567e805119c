namespace Baton.Providers.Tests.Container;

/// <summary>
/// What xunit's <c>IAsyncLifetime</c> is to the linked <c>PodmanServer</c> (the tests use it as a fixture): the
/// benchmark has no xunit, and calls <c>PodmanServer.StartAsync</c> and its dispose itself.
/// </summary>
internal interface IAsyncLifetime
{
    Task InitializeAsync();

    Task DisposeAsync();
}
