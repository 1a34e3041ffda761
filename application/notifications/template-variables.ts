import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError, type FieldProblem } from '../../domain/shared/errors.js';
import type { NotificationType } from '../../domain/notifications/notification.js';
import type { TemplateDescriptor, TemplateVariableType, TemplateVariables } from './ports.js';

function hasType(value: unknown, type: TemplateVariableType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * The variables a render may use: every required one present (null counts as absent), none
 * undeclared, each of its declared type. Every problem is named (`variables.<name>`), so the
 * HTTP edge answers one 400 listing them all.
 */
export function checkTemplateVariables(
  template: TemplateDescriptor,
  channel: NotificationType,
  variables: TemplateVariables,
): Result<TemplateVariables, DomainError> {
  const problems: FieldProblem[] = [];
  if (!template.channels.includes(channel)) {
    problems.push({
      field: 'type',
      message: `Template ${template.name} has no ${channel} version (it has ${template.channels.join(', ')})`,
    });
  }
  for (const [name, declared] of Object.entries(template.variables)) {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined || value === null) {
      if (declared.required) problems.push({ field: `variables.${name}`, message: `${name} is required` });
    } else if (!hasType(value, declared.type)) {
      problems.push({ field: `variables.${name}`, message: `${name} must be a ${declared.type}` });
    }
  }
  for (const name of Object.keys(variables)) {
    if (!Object.hasOwn(template.variables, name)) {
      problems.push({
        field: `variables.${name}`,
        message: `${name} is not a variable of template ${template.name}`,
      });
    }
  }
  if (problems.length > 0) {
    return Err(
      domainError(
        'VALIDATION_FAILED',
        `Template ${template.name}: ${problems.map((p) => p.message).join('; ')}`,
        {
          errors: problems,
        },
      ),
    );
  }
  return Ok(variables);
}

/** The declared examples: what the list of templates renders its previews with. */
export function exampleVariables(template: TemplateDescriptor): TemplateVariables {
  return Object.fromEntries(Object.entries(template.variables).map(([name, v]) => [name, v.example]));
}
