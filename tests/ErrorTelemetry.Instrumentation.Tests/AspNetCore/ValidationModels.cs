using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>A request body with DataAnnotations rules, for minimal-API and MVC validation tests.</summary>
public sealed class OrderRequest
{
    [Required]
    public string? Name { get; set; }

    [Range(1, 100)]
    public int Quantity { get; set; }

    [EmailAddress]
    public string? Email { get; set; }
}

/// <summary>A tiny [ApiController]: invalid models are answered by MVC's automatic 400 with ModelState errors.</summary>
[ApiController]
[Route("mvc/orders")]
public sealed class ValidationOrdersController : ControllerBase
{
    [HttpPost]
    public IActionResult Create(OrderRequest order) => Ok(order.Name);

    [HttpGet("{id}")]
    public IActionResult Get([FromRoute] int id) => Ok(id);
}
