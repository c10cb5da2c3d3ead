import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatRadioButtonHarness } from '@angular/material/radio/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { AuthorQuestion, QuestionBody } from '@assay/contracts';
import { QuestionEditor } from './question-editor';

const question: AuthorQuestion = {
  id: '00000000-0000-4000-8000-000000000001',
  position: 1,
  type: 'multiple_choice',
  text: 'Which are primitive types in TypeScript?',
  points: 2,
  explanation: '`object` is not primitive.',
  choices: [
    { id: '00000000-0000-4000-8000-0000000000a1', text: 'string', correct: true },
    { id: '00000000-0000-4000-8000-0000000000a2', text: 'object', correct: false },
    { id: '00000000-0000-4000-8000-0000000000a3', text: 'boolean', correct: true },
  ],
};

describe('The question editor', () => {
  let fixture: ComponentFixture<QuestionEditor>;
  let saved: QuestionBody[];

  async function open(edited: AuthorQuestion | null): Promise<void> {
    TestBed.configureTestingModule({ imports: [QuestionEditor] });
    fixture = TestBed.createComponent(QuestionEditor);
    fixture.componentRef.setInput('position', 1);
    fixture.componentRef.setInput('question', edited);
    saved = [];
    fixture.componentInstance.save.subscribe((body) => saved.push(body));
    await fixture.whenStable();
  }

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const text = () => (fixture.nativeElement as HTMLElement).textContent;
  async function choiceTexts(): Promise<string[]> {
    const inputs = await loader().getAllHarnesses(
      MatInputHarness.with({ selector: '.choice-text input' }),
    );
    return Promise.all(inputs.map((input) => input.getValue()));
  }
  async function chooseType(label: string): Promise<void> {
    const select = await loader().getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: label });
  }
  async function save(): Promise<void> {
    await (
      await loader().getHarness(MatButtonHarness.with({ text: /^(Save|Add) question$/ }))
    ).click();
  }

  it('gives true/false the two fixed choices "True" and "False", one of them correct', async () => {
    await open(question);
    await chooseType('True / false');

    expect(await choiceTexts()).toEqual([]);
    const radios = await loader().getAllHarnesses(MatRadioButtonHarness);
    expect(radios).toHaveLength(2);
    expect(text()).toContain('True');
    expect(text()).toContain('False');
    expect(await loader().getAllHarnesses(MatButtonHarness.with({ text: 'Add choice' }))).toEqual(
      [],
    );
    expect(text()).toContain('Mark exactly one choice as correct.');

    await radios[1]!.check();
    await save();

    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      type: 'true_false',
      choices: [
        { text: 'True', correct: false },
        { text: 'False', correct: true },
      ],
    });
  });

  it('keeps only the first correct choice when multiple choice becomes single choice', async () => {
    await open(question);
    expect(await loader().getAllHarnesses(MatCheckboxHarness)).toHaveLength(3);

    await chooseType('Single choice');

    expect(await loader().getAllHarnesses(MatCheckboxHarness)).toHaveLength(0);
    const radios = await loader().getAllHarnesses(MatRadioButtonHarness);
    expect(await Promise.all(radios.map((radio) => radio.isChecked()))).toEqual([
      true,
      false,
      false,
    ]);
    expect(await choiceTexts()).toEqual(['string', 'object', 'boolean']);
  });

  it('unmarks the other choices when a single-choice answer is marked correct', async () => {
    await open({
      ...question,
      type: 'single_choice',
      choices: question.choices.map((c, i) => ({ ...c, correct: i === 0 })),
    });
    const radios = await loader().getAllHarnesses(MatRadioButtonHarness);

    await radios[2]!.check();

    expect(await Promise.all(radios.map((radio) => radio.isChecked()))).toEqual([
      false,
      false,
      true,
    ]);
    await save();
    expect(saved[0]?.choices.map((choice) => choice.correct)).toEqual([false, false, true]);
  });

  it('adds and removes choices, and refuses to save a question without text', async () => {
    await open(null);
    expect(await choiceTexts()).toEqual(['', '']);

    await (await loader().getHarness(MatButtonHarness.with({ text: 'Add choice' }))).click();
    expect(await choiceTexts()).toEqual(['', '', '']);
    await (
      await loader().getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Remove choice 2"]' }),
      )
    ).click();
    expect(await choiceTexts()).toEqual(['', '']);

    await save();
    expect(saved).toEqual([]);
    expect(text()).toContain('Write the question');
    expect(text()).toContain('Write the choice or remove it');
    expect(document.activeElement?.getAttribute('formcontrolname')).toBe('text');
  });
});
