using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

public class OperationLabelTests
{
    [Fact]
    public void Count_DisplayNameSetByApplication_OperationIsTheRouteTemplate()
    {
        using var p = new TelemetryPipeline();
        using (var server = p.Source.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server))
        {
            server!.SetTag("http.request.method", "POST");
            server.SetTag("http.route", "/checkout");
            server.DisplayName = "checkout for root.name@customer-mail.com";
            server.AddException(new TimeoutException());
        }

        Assert.Equal("POST /checkout", Assert.Single(p.FailurePoints()).Tags["operation"]);
    }

    [Fact]
    public void Count_HttpOperationWithoutRouteOrWithUnknownMethod_MethodOrOther()
    {
        using var p = new TelemetryPipeline();
        using (var server = p.Source.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server))
        {
            server!.SetTag("http.request.method", "GET");
            server.DisplayName = "GET /users/jane.doe@customer-mail.com";
            server.AddException(new TimeoutException());
        }

        using (var server = p.Source.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server))
        {
            server!.SetTag("http.request.method", "jane.doe@customer-mail.com");
            server.SetTag("http.route", "/orders/{id}");
            server.AddException(new InvalidOperationException());
        }

        var operations = p.FailurePoints().Select(point => (string)point.Tags["operation"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["GET", "_OTHER /orders/{id}"], operations);
    }

    [Theory]
    [InlineData("ProcessOrder", "ProcessOrder")]
    [InlineData("orders.sync", "orders.sync")]
    [InlineData("GET /orders/{id}", "GET /orders/{id}")]
    [InlineData("checkout for root.name@customer-mail.com", "_OTHER")]
    [InlineData("order 4111111111111111", "_OTHER")]
    [InlineData("call +49 30 1234567", "_OTHER")]
    [InlineData("sync?token=abc", "_OTHER")]
    [InlineData("ghp_1234abcd5678efgh9012ijkl3456mnop7890qrst", "_OTHER")]
    public void Count_NonHttpOperation_StartNameOnlyWhenItIsACodeName(string startName, string expected)
    {
        using var p = new TelemetryPipeline();
        using (var job = p.Source.StartActivity(startName))
        {
            job!.DisplayName = "renamed for jane.doe@customer-mail.com";
            job.AddException(new TimeoutException());
        }

        Assert.Equal(expected, Assert.Single(p.FailurePoints()).Tags["operation"]);
    }

    [Fact]
    public void Count_OperationsWithAndWithoutCodeNamesInTurn_EachCountedUnderItsOwnLabel()
    {
        // The last name's label is remembered by reference: it must never carry over to another name.
        using var p = new TelemetryPipeline();
        string[] names = ["ProcessOrder", "order 4111111111111111", new string("ProcessOrder".AsSpan()), "orders.sync", "order 4111111111111111"];
        foreach (var name in names)
        {
            using var job = p.Source.StartActivity(name);
            job!.AddException(new TimeoutException());
        }

        var counts = p.FailurePoints().ToDictionary(point => (string)point.Tags["operation"]!, point => point.Value);
        Assert.Equal(new Dictionary<string, long> { ["ProcessOrder"] = 2, ["_OTHER"] = 2, ["orders.sync"] = 1 }, counts);
    }

    [Fact]
    public void Count_ManyRoutesAndMethodsInTurn_EachCountedUnderItsOwnMethodAndRoute()
    {
        // Labels are remembered per route string in a small table: more routes than it holds, the same route string
        // under other methods (an unknown one included) and a route of equal text in another string must each get
        // their own label, counted through to the exporter.
        using var p = new TelemetryPipeline();
        var routes = Enumerable.Range(0, 100).Select(i => $"/orders/{{id}}/lines/{i}").ToArray();
        var expected = new Dictionary<string, long>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (route, i) in routes.Select((r, i) => (r, i)))
            {
                var method = ((i + round) % 3) switch { 0 => "GET", 1 => "DELETE", _ => "jane.doe@customer-mail.com" };
                var label = (method.Contains('@', StringComparison.Ordinal) ? "_OTHER" : method) + " " + route;
                using (var server = p.Source.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server))
                {
                    server!.SetTag("http.request.method", method);
                    server.SetTag("http.route", round == 2 ? new string(route.AsSpan()) : route);
                    server.AddException(new TimeoutException());
                }

                expected[label] = expected.GetValueOrDefault(label) + 1;
            }
        }

        var counts = p.FailurePoints().ToDictionary(point => (string)point.Tags["operation"]!, point => point.Value);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), counts.OrderBy(e => e.Key, StringComparer.Ordinal));
    }
}
