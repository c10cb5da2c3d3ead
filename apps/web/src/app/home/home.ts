import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatAnchor } from '@angular/material/button';
import {
  MatCard,
  MatCardAvatar,
  MatCardContent,
  MatCardHeader,
  MatCardTitle,
} from '@angular/material/card';
import { RouterLink } from '@angular/router';

interface Step {
  readonly title: string;
  readonly text: string;
}

@Component({
  selector: 'app-home',
  imports: [
    MatAnchor,
    MatCard,
    MatCardAvatar,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    RouterLink,
  ],
  templateUrl: './home.html',
  styleUrl: './home.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Home {
  protected readonly steps: readonly Step[] = [
    {
      title: 'Instructors write exams',
      text:
        'Single-choice, multiple-choice and true/false questions with explanations, and the rules ' +
        'that fit the course: a time limit, how many attempts, the pass mark, shuffling, and ' +
        'whether learners may review their answers.',
    },
    {
      title: 'Learners take them in the browser',
      text:
        'One question at a time, with progress and a countdown. Every answer is saved as it is ' +
        'chosen, so a reload or a lost connection picks up where the learner left off.',
    },
    {
      title: 'Every result is recorded',
      text:
        'The server grades each attempt and keeps the score, so learners see their history and ' +
        'instructors see every attempt at their exams.',
    },
  ];

  protected readonly assurances: readonly Step[] = [
    {
      title: 'Runs on your own server',
      text: 'Exams, answers and results stay on infrastructure your school controls.',
    },
    {
      title: 'Uses the sign-in you already have',
      text: 'Built-in accounts out of the box, or any OpenID Connect provider your school runs.',
    },
    {
      title: 'Answer keys stay private',
      text: 'Only an exam’s author and administrators ever see the correct answers.',
    },
  ];
}
